"""Firing due timer jobs: called by the Celery task the beat sweeper dispatches.

Lock order as every step: the instance row first, then the job row. The job is re-read
under the lock, so a duplicate delivery, or a timer removed meanwhile (the activity
completed), does nothing. A cycle that repeats (non-interrupting boundary, start event)
moves the same row to its next due time instead of ending it.

Each firing reports its lateness (fire time minus ``due_at``) to the
``baton_timer_lateness_seconds`` histogram once its transaction has committed, so a
rolled-back or duplicate firing is never counted.
"""

from __future__ import annotations

import copy
import logging
from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from django.db import transaction

from bpmn_engine import clock
from bpmn_engine.interpreter.errors import TokenNotWaitingError
from bpmn_engine.model import BoundaryEvent, StartEvent
from bpmn_engine.model.timers import next_in_cycle, parse_cycle
from bpmn_engine.models import Job, ProcessInstance
from bpmn_engine.observability.hooks import timer_fired
from bpmn_engine.persistence.steps import InstanceRef
from bpmn_engine.services.events.starts import instance_start_at_event
from bpmn_engine.services.models_cache import definition_model
from bpmn_engine.services.runtime import load_locked, step_locked

logger = logging.getLogger(__name__)


def timers_dispatch(job_ids: Sequence[int]) -> None:
    """Send one ``fire_timers`` message for these due timer jobs. Losing it is harmless:
    the sweeper sends them again after ``REDISPATCH_AFTER_SECONDS``."""
    from bpmn_engine.tasks import fire_timers

    try:
        fire_timers.delay(list(job_ids))
    except Exception:  # the broker is down: the rows stay pending for the sweeper
        logger.exception("Could not dispatch timer jobs %s; the sweeper will retry", job_ids)


def timers_fire(*, job_ids: Sequence[int]) -> dict[str, int]:
    """Fire each timer of one message, each in its own transaction; one that fails is
    logged and left to the sweeper, and does not stop the others."""
    outcomes: Counter[str] = Counter()
    for job_id in job_ids:
        try:
            outcomes[timer_fire(job_id=job_id)] += 1
        except Exception:
            logger.exception("Timer job %s failed to fire; the sweeper will resend it", job_id)
            outcomes["failed"] += 1
    return dict(outcomes)


def timer_fire(*, job_id: int) -> str:
    """Fire one timer job if it is due; returns what happened (for logs and tests)."""
    row = Job.objects.filter(pk=job_id, kind=Job.Kind.TIMER).values("instance_id").first()
    if row is None:
        return "gone"
    with transaction.atomic():
        if row["instance_id"] is None:
            return _fire_start(job_id)
        return _fire_in_instance(job_id, row["instance_id"])


def _due_job(job_id: int, now: datetime, *, skip_locked: bool = False) -> Job | None:
    return (
        Job.objects.select_for_update(skip_locked=skip_locked)
        .filter(pk=job_id, kind=Job.Kind.TIMER, state=Job.State.PENDING, due_at__lte=now)
        .first()
    )


def _fire_in_instance(job_id: int, instance_id: int) -> str:
    instance, state = load_locked(InstanceRef.by_id(instance_id))
    now = clock.now()  # once, under the lock: the due check, the step and the lateness
    job = _due_job(job_id, now)
    if instance is None or state is None or job is None or job.token_id is None:
        return "skipped"
    if instance.state != ProcessInstance.State.ACTIVE:
        return "skipped"  # a suspended instance's timer waits until it is resumed
    # A part of a parallel multiple event ("Event#0") is no node: it fires once, its
    # first occurrence being the part's trigger (docs/events-and-feel.md).
    node = definition_model(instance.definition_id).nodes.get(job.element_id)
    repeats = (isinstance(node, BoundaryEvent) and not node.cancel_activity) or (
        isinstance(node, StartEvent) and not node.interrupting
    )
    as_due = copy.copy(job)
    _next_or_delete(job, repeats=repeats)
    token_id, element_id = job.token_id.hex, job.element_id
    try:
        step_locked(
            instance,
            state,
            lambda interpreter, s: interpreter.trigger(s, token_id=token_id, element_id=element_id),
            now=now,
        )
    except TokenNotWaitingError:
        Job.objects.filter(pk=job_id).delete()
        return "stale"
    _report_lateness(as_due, now)
    return "fired"


def _fire_start(job_id: int) -> str:
    now = clock.now()
    job = _due_job(job_id, now, skip_locked=True)
    if job is None or job.definition is None:
        return "skipped"
    node = definition_model(job.definition).nodes.get(job.element_id)
    as_due = copy.copy(job)
    _next_or_delete(job, repeats=isinstance(node, StartEvent))
    instance_start_at_event(definition=job.definition, element_id=job.element_id)
    _report_lateness(as_due, now)
    return "started"


def _report_lateness(as_due: Job, fired_at: datetime) -> None:
    """Observe how late this firing is (``as_due``: the job row as it was when due),
    once the firing has committed."""
    transaction.on_commit(lambda: timer_fired(as_due, fired_at))


def _next_or_delete(job: Job, *, repeats: bool) -> None:
    """Move a repeating cycle to its next due time, or remove the fired job."""
    timer = job.timer or {}
    remaining = timer.get("remaining", 0)
    if not repeats or timer.get("type") != "cycle" or remaining == 0:
        job.delete()
        return
    cycle = parse_cycle(str(timer.get("value", "")))
    job.due_at = next_in_cycle(cycle, job.due_at)
    job.dispatched_at = None
    job.timer = {**timer, "remaining": None if remaining is None else remaining - 1}
    job.save(update_fields=["due_at", "dispatched_at", "timer"])
