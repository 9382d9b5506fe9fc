"""Jobs (service work, later timers) and incidents.

The Job row is the source of truth: a broker message only says "look at job N". A lost
message is re-sent by the sweeper; a duplicate finds the job already taken or gone.
"""

from __future__ import annotations

from django.db import models

from bpmn_engine.models.instances import ProcessInstance


class Job(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        FAILED = "failed", "Failed (incident)"

    class Executor(models.TextChoices):
        CELERY = "celery", "Celery handler"
        EXTERNAL = "external", "External worker"

    instance = models.ForeignKey(ProcessInstance, on_delete=models.CASCADE, related_name="jobs")
    token_id = models.UUIDField()
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
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(fields=["token_id"], name="one_job_per_token"),
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
