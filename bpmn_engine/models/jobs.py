"""Jobs (service work, later timers) and incidents.

The Job row is the source of truth: a broker message only says "look at job N". A lost
message is re-sent by the sweeper; a duplicate finds the job already taken or gone.
"""

from __future__ import annotations

from django.db import models

from bpmn_engine.models.definitions import ProcessDefinition
from bpmn_engine.models.instances import ProcessInstance


class Job(models.Model):
    class Kind(models.TextChoices):
        SERVICE = "service", "Service work"
        TIMER = "timer", "Timer"

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        FAILED = "failed", "Failed (incident)"

    class Executor(models.TextChoices):
        CELERY = "celery", "Celery handler"
        EXTERNAL = "external", "External worker"

    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.SERVICE)
    instance = models.ForeignKey(
        ProcessInstance, null=True, blank=True, on_delete=models.CASCADE, related_name="jobs"
    )
    """None only for a timer start event's job, which creates instances."""
    definition = models.ForeignKey(
        ProcessDefinition, null=True, blank=True, on_delete=models.CASCADE, related_name="jobs"
    )
    """Set for a timer start event's job: the definition it starts."""
    token_id = models.UUIDField(null=True, blank=True)
    element_id = models.CharField(max_length=255)
    topic = models.CharField(max_length=255)
    executor = models.CharField(max_length=16, choices=Executor.choices)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=3)
    retry_time_cycle = models.CharField(max_length=64, blank=True)
    due_at = models.DateTimeField()
    dispatched_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)
    lock_owner = models.CharField(max_length=64, blank=True)
    last_error = models.TextField(blank=True)
    timer = models.JSONField(default=dict, blank=True)
    """A timer's definition: ``type`` (date, duration, cycle), ``value``, ``remaining`` repeats,
    and the boundary/scope it belongs to, so a cycle can be rescheduled after it fires."""
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["due_at"]
        constraints = [
            # A token has at most one service job, and one timer per timer element (a
            # boundary timer's job carries the activity's token and the boundary's id).
            models.UniqueConstraint(fields=["token_id", "element_id"], name="one_job_per_element"),
        ]
        indexes = [models.Index(fields=["state", "due_at"])]

    def __str__(self) -> str:
        return f"job {self.pk} {self.topic} ({self.state})"


class Incident(models.Model):
    """A token stopped by an error: visible on its instance until someone retries it."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    instance = models.ForeignKey(
        ProcessInstance, on_delete=models.CASCADE, related_name="incidents"
    )
    token_id = models.UUIDField()
    element_id = models.CharField(max_length=255)
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL)
    message = models.TextField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state"])]

    def __str__(self) -> str:
        return f"incident on {self.element_id}: {self.message[:60]}"
