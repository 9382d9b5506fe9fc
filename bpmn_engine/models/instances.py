"""Running instances: the instance row, its active tokens and its live variable scopes."""

from __future__ import annotations

from django.db import models

from bpmn_engine.models.definitions import ProcessDefinition


class ProcessInstance(models.Model):
    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        COMPLETED = "completed", "Completed"
        TERMINATED = "terminated", "Terminated"
        CANCELLED = "cancelled", "Cancelled"

    definition = models.ForeignKey(
        ProcessDefinition, on_delete=models.PROTECT, related_name="instances", db_index=False
    )
    """Indexed by ``(definition, state)`` below, which also serves lookups by definition."""
    business_key = models.CharField(max_length=255, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.ACTIVE)
    version = models.PositiveIntegerField(default=0)
    """Bumped by every step; lets readers detect that the instance moved on."""
    started_by = models.CharField(max_length=150, blank=True)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    open_incidents = models.PositiveIntegerField(default=0)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    """The instance whose call activity started this one (None for a top-level instance)."""
    parent_token_id = models.UUIDField(null=True, blank=True)
    """The call-activity token in ``parent`` that waits for this instance to end."""

    class Meta:
        ordering = ["-started_at"]
        # Plain indexes rather than ``db_index=True``, which on PostgreSQL adds a second,
        # LIKE-prefix index per column; nothing searches these by prefix (the admin's
        # search is a case-insensitive substring, which no B-tree serves).
        indexes = [
            models.Index(fields=["definition", "state"]),
            models.Index(fields=["business_key"], name="instance_by_business_key"),
            models.Index(fields=["started_by"], name="instance_by_starter"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.definition.key}" + (
            f" [{self.business_key}]" if self.business_key else ""
        )

    @property
    def is_active(self) -> bool:
        return self.state in (self.State.ACTIVE, self.State.SUSPENDED)


class Token(models.Model):
    """An active token; removed when it is consumed (history keeps what happened)."""

    id = models.UUIDField(primary_key=True)
    instance = models.ForeignKey(ProcessInstance, on_delete=models.CASCADE, related_name="tokens")
    element_id = models.CharField(max_length=255)
    scope_id = models.UUIDField()
    state = models.CharField(max_length=16)
    arrived_via = models.CharField(max_length=255, blank=True)
    leaving = models.BooleanField(default=False)
    """The element's work is done; only its outgoing flows remain to be taken."""
    ordinal = models.PositiveBigIntegerField(default=0)
    """Arrival order: parallel joins consume the oldest waiting token first."""

    class Meta:
        ordering = ["ordinal"]

    def __str__(self) -> str:
        return f"{self.element_id} ({self.state})"


class Scope(models.Model):
    """A live variable scope: the instance itself, or one subprocess activation."""

    id = models.UUIDField(primary_key=True)
    instance = models.ForeignKey(ProcessInstance, on_delete=models.CASCADE, related_name="scopes")
    element_id = models.CharField(max_length=255)
    parent_id = models.UUIDField(null=True, blank=True)
    token_id = models.UUIDField(null=True, blank=True)
    variables = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"scope {self.element_id}"
