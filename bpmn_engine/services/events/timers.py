"""Firing due timer jobs: called by the Celery task the beat sweeper dispatches.

Lock order as every step: the instance row first, then the job row. The job is re-read
under the lock, so a duplicate delivery, or a timer removed meanwhile (the activity
completed), does nothing. A cycle that repeats (non-interrupting boundary, start event)
moves the same row to its next due time instead of ending it.
"""

from __future__ import annotations

from django.db import transaction

from bpmn_engine import clock
from bpmn_engine.interpreter.errors import TokenNotWaitingError
from bpmn_engine.model import BoundaryEvent, StartEvent
from bpmn_engine.model.timers import next_in_cycle, parse_cycle
from bpmn_engine.models import Job, ProcessInstance
from bpmn_engine.persistence.steps import InstanceRef
from bpmn_engine.services.events.starts import instance_start_at_event
from bpmn_engine.services.models_cache import definition_model
from bpmn_engine.services.runtime import load_locked, step_locked


def timer_fire(*, job_id: int) -> str:
    """Fire one timer job if it is due; returns what happened (for logs and tests)."""
    row = Job.objects.filter(pk=job_id, kind=Job.Kind.TIMER).values("instance_id").first()
    if row is None:
        return "gone"
    with transaction.atomic():
        if row["instance_id"] is None:
            return _fire_start(job_id)
        return _fire_in_instance(job_id, row["instance_id"])


def _due_job(job_id: int, *, skip_locked: bool = False) -> Job | None:
    return (
        Job.objects.select_for_update(skip_locked=skip_locked)
        .filter(pk=job_id, kind=Job.Kind.TIMER, state=Job.State.PENDING, due_at__lte=clock.now())
        .first()
    )


def _fire_in_instance(job_id: int, instance_id: int) -> str:
    instance, state = load_locked(InstanceRef.by_id(instance_id))
    job = _due_job(job_id)
    if instance is None or state is None or job is None or job.token_id is None:
        return "skipped"
    if instance.state != ProcessInstance.State.ACTIVE:
        return "skipped"  # a suspended instance's timer waits until it is resumed
    node = definition_model(instance.definition_id).nodes.get(job.element_id)
    repeats = (isinstance(node, BoundaryEvent) and not node.cancel_activity) or (
        isinstance(node, StartEvent) and not node.interrupting
    )
    _next_or_delete(job, repeats=repeats)
    token_id, element_id = job.token_id.hex, job.element_id
    try:
        step_locked(
            instance,
            state,
            lambda interpreter, s: interpreter.trigger(s, token_id=token_id, element_id=element_id),
        )
    except TokenNotWaitingError:
        Job.objects.filter(pk=job_id).delete()
        return "stale"
    return "fired"


def _fire_start(job_id: int) -> str:
    job = _due_job(job_id, skip_locked=True)
    if job is None or job.definition is None:
        return "skipped"
    node = definition_model(job.definition).nodes.get(job.element_id)
    _next_or_delete(job, repeats=isinstance(node, StartEvent))
    instance_start_at_event(definition=job.definition, element_id=job.element_id)
    return "started"


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
