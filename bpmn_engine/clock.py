"""The one clock of the engine: the interpreter's callers, the services and the sweeper
all ask it for "now", so tests can move time forward in every process at once.

With ``BPMN_ENGINE["CONTROLLABLE_CLOCK"]`` on, now is the wall clock plus an offset
stored in the database (``ClockOffset``), which a test sets and Celery workers read.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from bpmn_engine.conf import engine_setting


def now() -> datetime:
    current = timezone.now()
    if engine_setting("CONTROLLABLE_CLOCK"):
        from bpmn_engine.models import ClockOffset

        offset = ClockOffset.objects.values_list("seconds", flat=True).first()
        if offset:
            current += timedelta(seconds=offset)
    return current


def advance(seconds: float) -> None:
    """Move the controllable clock forward (tests only)."""
    if not engine_setting("CONTROLLABLE_CLOCK"):
        raise RuntimeError("The clock is only controllable with BPMN_ENGINE CONTROLLABLE_CLOCK")
    from bpmn_engine.models import ClockOffset

    row, _ = ClockOffset.objects.get_or_create(pk=1)
    row.seconds += seconds
    row.save(update_fields=["seconds"])
