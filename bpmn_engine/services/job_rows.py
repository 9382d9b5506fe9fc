"""The rows around a running job, shared by Celery jobs (``jobs``), external tasks
(``external_tasks``) and BPMN errors thrown by handlers (``events.errors``): the lease a
runner holds, the variables it sees, re-locking the job for the finish phase, and the
incident and history rows a failure writes. One definition each, so every runner checks
leases and records failures the same way."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from bpmn_engine import clock
from bpmn_engine.handlers.registry import HandlerContext
from bpmn_engine.interpreter.state import InstanceState
from bpmn_engine.models import HistoryEvent, Incident, Job, ProcessInstance
from bpmn_engine.persistence.batch import Batch
from bpmn_engine.persistence.steps import InstanceRef, LockedLoad, StateRead


@dataclass(frozen=True)
class Lease:
    job_id: int
    owner: str
    context: HandlerContext | None = None
    """What the handler gets; None for a lease taken back by the sweeper."""


def job_visible_variables(job: Job) -> dict[str, Any]:
    """What the handler sees: the variables visible from its token's scope (one read,
    no lock: the handler gets a snapshot and its result is merged under the lock)."""
    if job.instance_id is None or job.token_id is None:  # pragma: no cover - service jobs
        return {}
    batch = Batch()
    read = StateRead(batch, InstanceRef.by_id(job.instance_id))
    batch.run()
    state = read.state()
    token = state.tokens.get(job.token_id.hex)
    return state.visible_variables(token.scope_id) if token is not None else {}


@dataclass(frozen=True)
class LockedJob:
    job: Job
    instance: ProcessInstance
    state: InstanceState | None


def job_lock_for_lease(lease: Lease, *, with_state: bool = False) -> LockedJob | None:
    """Lock the instance (the engine's lock order: instance first), then the job, and
    check the job still carries this lease. None when the lease is stale."""
    instance_id = Job.objects.filter(pk=lease.job_id).values_list("instance_id", flat=True).first()
    if instance_id is None:
        return None
    batch = Batch()
    load = LockedLoad(batch, InstanceRef.by_id(instance_id), with_state=with_state)
    batch.run()
    instance = load.instance()
    job = (
        Job.objects.select_for_update()
        .filter(pk=lease.job_id, state=Job.State.RUNNING, lock_owner=lease.owner)
        .first()
    )
    if instance is None or job is None:
        return None
    return LockedJob(job, instance, load.state() if with_state else None)


def job_raise_incident(job: Job, instance: ProcessInstance, message: str) -> None:
    """Open the incident and count it on the instance row the caller holds locked."""
    Incident.objects.create(
        instance=instance,
        token_id=job.token_id or uuid.UUID(int=0),
        element_id=job.element_id,
        job=job,
        message=message,
        created_at=clock.now(),
    )
    instance.open_incidents += 1
    instance.save(update_fields=["open_incidents"])
    job_history(job, "incident", message=message)


def job_history(job: Job, event: str, **data: Any) -> None:
    if job.instance_id is None:  # pragma: no cover - only service jobs reach here
        return
    HistoryEvent.objects.create(
        instance_id=job.instance_id,
        event=event,
        element_id=job.element_id,
        token_id=job.token_id,
        data={"job_id": job.pk, "topic": job.topic, **data},
        timestamp=clock.now(),
    )
