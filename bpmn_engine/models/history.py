"""The append-only audit trail: one row per state change, never updated."""

from __future__ import annotations

from django.db import models

from bpmn_engine.models.instances import ProcessInstance


class HistoryEvent(models.Model):
    instance = models.ForeignKey(
        ProcessInstance, on_delete=models.CASCADE, related_name="history", db_index=False
    )
    """No index of its own: ``(instance, id)`` below serves every lookup by instance (and
    the cascade), and a second one would cost an index entry per history row written."""
    event = models.CharField(max_length=32)
    element_id = models.CharField(max_length=255, blank=True)
    token_id = models.UUIDField(null=True, blank=True)
    user = models.CharField(max_length=150, blank=True)
    data = models.JSONField(default=dict, blank=True)
    timestamp = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["instance", "id"])]

    def __str__(self) -> str:
        return f"{self.timestamp:%Y-%m-%d %H:%M:%S} {self.event} {self.element_id}"
