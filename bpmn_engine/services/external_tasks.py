"""External tasks: service tasks whose topic has no Python handler, done by workers in
any language over the API (Camunda's fetch-and-lock model).

A worker locks a pending job for a while (``lock_owner`` = its worker id,
``locked_until``). The job stays ``pending`` while locked, so the Celery sweeper (which
expires *running* leases of Celery jobs as failed attempts) leaves it alone: an expired
lock simply makes the task fetchable again, without costing a retry. Every later call of
the worker (complete, failure, BPMN error, extend) locks the instance first, as every
step does, then the job, and is refused with a 409 unless the caller still holds an
unexpired lock: a worker that lost its lock cannot complete a task another worker has.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q

from bpmn_engine import clock
from bpmn_engine.interpreter.errors import TokenNotWaitingError
from bpmn_engine.interpreter.state import InstanceState
from bpmn_engine.models import Job, ProcessInstance
from bpmn_engine.persistence.steps import InstanceRef
from bpmn_engine.services.errors import Conflict, InvalidInput, NotFound
from bpmn_engine.services.job_rows import job_history, job_raise_incident, job_visible_variables
from bpmn_engine.services.retries import retry_delay
from bpmn_engine.services.runtime import check_variables, load_locked, step_locked

MAX_LOCK_SECONDS = 24 * 3600
MAX_TASKS_PER_FETCH = 100


@dataclass(frozen=True)
class LockedExternalTask:
    job: Job
    variables: dict[str, Any]


def _check_lock_seconds(seconds: int) -> timedelta:
    if not 1 <= seconds <= MAX_LOCK_SECONDS:
        raise InvalidInput(f"lockDuration must be 1 to {MAX_LOCK_SECONDS} seconds, not {seconds}")
    return timedelta(seconds=seconds)


def external_tasks_available() -> Q:
    """Pending external jobs of active instances, due, and not locked (or lock expired)."""
    now = clock.now()
    return Q(
        executor=Job.Executor.EXTERNAL,
        kind=Job.Kind.SERVICE,
        state=Job.State.PENDING,
        due_at__lte=now,
        instance__state=ProcessInstance.State.ACTIVE,
    ) & (Q(locked_until__isnull=True) | Q(locked_until__lte=now))


def external_task_fetch_and_lock(
    *, worker_id: str, topics: Sequence[str], max_tasks: int = 1, lock_seconds: int
) -> list[LockedExternalTask]:
    """Lock up to ``max_tasks`` available tasks of these topics for ``worker_id``.
    Rows another worker is locking right now are skipped, never waited for."""
    if not worker_id:
        raise InvalidInput("workerId must not be empty")
    duration = _check_lock_seconds(lock_seconds)
    count = max(1, min(max_tasks, MAX_TASKS_PER_FETCH))
    now = clock.now()
    with transaction.atomic():
        jobs = list(
            Job.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("instance")
            .filter(external_tasks_available(), topic__in=list(topics))
            .order_by("due_at", "id")[:count]
        )
        for job in jobs:
            job.lock_owner = worker_id[:64]
            job.locked_until = now + duration
            job.save(update_fields=["lock_owner", "locked_until"])
    return [LockedExternalTask(job, job_visible_variables(job)) for job in jobs]


@dataclass(frozen=True)
class _Held:
    job: Job
    instance: ProcessInstance
    state: InstanceState


def _held(job_id: int, worker_id: str) -> _Held:
    """Lock instance then job; raise unless ``worker_id`` holds an unexpired lock."""
    instance_id = (
        Job.objects.filter(pk=job_id, executor=Job.Executor.EXTERNAL, kind=Job.Kind.SERVICE)
        .values_list("instance_id", flat=True)
        .first()
    )
    if instance_id is None:
        raise NotFound(f"External task {job_id} does not exist (or is already finished)")
    instance, state = load_locked(InstanceRef.by_id(instance_id))
    job = Job.objects.select_for_update().filter(pk=job_id).first()
    if instance is None or state is None or job is None:
        raise NotFound(f"External task {job_id} does not exist (or is already finished)")
    if job.state != Job.State.PENDING:
        raise Conflict(f"External task {job_id} is {job.get_state_display().lower()}")
    if job.lock_owner != worker_id or job.locked_until is None:
        raise Conflict(f"External task {job_id} is not locked by worker {worker_id!r}")
    if job.locked_until < clock.now():
        raise Conflict(
            f"The lock of worker {worker_id!r} on external task {job_id} expired; "
            "fetch the task again"
        )
    if instance.state != ProcessInstance.State.ACTIVE:
        raise Conflict(f"Process instance {instance.pk} is {instance.state}: the task waits")
    return _Held(job, instance, state)


def _continue(held: _Held, action: Any) -> None:
    token_id = held.job.token_id
    if token_id is None:  # pragma: no cover - service jobs always carry their token
        raise Conflict(f"External task {held.job.pk} has no token")
    held.job.delete()
    try:
        step_locked(held.instance, held.state, lambda i, s: action(i, s, token_id.hex))
    except TokenNotWaitingError as exc:
        raise Conflict(f"External task {held.job.pk}: the token moved on") from exc


def external_task_complete(
    *, job_id: int, worker_id: str, variables: Mapping[str, Any] | None = None
) -> None:
    values = check_variables(variables)
    with transaction.atomic():
        held = _held(job_id, worker_id)
        _continue(held, lambda i, s, t: i.complete(s, token_id=t, variables=values))


def external_task_bpmn_error(*, job_id: int, worker_id: str, code: str, message: str = "") -> None:
    """A business error: routed to the nearest error boundary (no retry)."""
    if not code:
        raise InvalidInput("errorCode must not be empty")
    with transaction.atomic():
        held = _held(job_id, worker_id)
        _continue(held, lambda i, s, t: i.throw_error(s, token_id=t, code=code, message=message))


def external_task_failure(
    *,
    job_id: int,
    worker_id: str,
    error: str,
    details: str = "",
    retries: int | None = None,
    retry_seconds: int | None = None,
) -> Job:
    """A technical failure. ``retries`` left (default: what the job has left) and the wait
    before the next fetch (default: the element's retry cycle or the engine's backoff);
    no retries left opens an incident."""
    if retries is not None and retries < 0:
        raise InvalidInput("retries must not be negative")
    now = clock.now()
    with transaction.atomic():
        held = _held(job_id, worker_id)
        job = held.job
        job.attempts += 1
        if retries is not None:
            job.max_attempts = job.attempts + retries
        job.last_error = details or error
        job.lock_owner = ""
        job.locked_until = None
        if job.attempts < job.max_attempts:
            delay = (
                timedelta(seconds=retry_seconds)
                if retry_seconds is not None
                else retry_delay(job.retry_time_cycle or None, job.attempts)
            )
            job.due_at = now + delay
            job.save()
            job_history(
                job, "job_failed", error=error, attempt=job.attempts, retry_at=str(job.due_at)
            )
            return job
        job.state = Job.State.FAILED
        job.save()
        job_raise_incident(
            job, held.instance, f"{job.topic}: {error} (after {job.attempts} attempts)"
        )
    return job


def external_task_extend_lock(*, job_id: int, worker_id: str, lock_seconds: int) -> Job:
    duration = _check_lock_seconds(lock_seconds)
    with transaction.atomic():
        job = _held(job_id, worker_id).job
        job.locked_until = clock.now() + duration
        job.save(update_fields=["locked_until"])
    return job
