"""Event subscriptions: what a waiting message, signal or conditional event listens for.

A row exists while its event can fire: created when the catching element (or the activity
carrying a boundary event) is entered, deleted when it leaves. Start events of the latest
definition version have rows with no instance, created at deploy time. Correlation locks
the row (``SELECT ... FOR UPDATE``) so one message is consumed by one receiver.
"""

from __future__ import annotations

from django.db import models

from bpmn_engine.models.definitions import ProcessDefinition
from bpmn_engine.models.instances import ProcessInstance


class EventSubscription(models.Model):
    class Kind(models.TextChoices):
        MESSAGE = "message", "Message"
        SIGNAL = "signal", "Signal"
        CONDITIONAL = "conditional", "Conditional"

    definition = models.ForeignKey(
        ProcessDefinition, on_delete=models.CASCADE, related_name="subscriptions"
    )
    instance = models.ForeignKey(
        ProcessInstance,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subscriptions",
    )
    """None for a start event: a matching event creates a new instance."""
    token_id = models.UUIDField(null=True, blank=True)
    """The waiting token (for a boundary event: the activity's token)."""
    scope_id = models.UUIDField(null=True, blank=True)
    """For an event subprocess start: the scope whose event subprocess it starts."""
    element_id = models.CharField(max_length=255)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    name = models.CharField(max_length=255, blank=True, db_index=True)
    correlation = models.JSONField(default=dict, blank=True)
    """Correlation values resolved when the subscription was opened (e.g. business key)."""
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["kind", "name"]),
            models.Index(fields=["instance", "token_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.name or self.element_id}"
