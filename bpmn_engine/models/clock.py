"""The offset of the controllable clock, shared by every process through the database."""

from __future__ import annotations

from django.db import models


class ClockOffset(models.Model):
    """A single row; read only when ``BPMN_ENGINE["CONTROLLABLE_CLOCK"]`` is on (tests)."""

    seconds = models.FloatField(default=0.0)

    def __str__(self) -> str:
        return f"clock offset {self.seconds:+.1f}s"
