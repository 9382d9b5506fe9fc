"""Service-task jobs: dispatch, execute with a lease, retry with backoff, then incident.

A job runs in three short phases so no database lock is held while a handler works:
1. lease: take the pending job row (``SKIP LOCKED``), mark it running with a lease id;
2. run the handler with a snapshot of the variables, outside any transaction;
3. finish: lock the instance, re-check the job still carries our lease (a duplicate
   delivery or an expired lease finds it changed and does nothing), then continue the
   instance, or schedule the retry, or raise the incident.

Crash recovery. The lease owner is the worker process (``job_owners``: host, pid and a
random part). A worker killed mid-job leaves its job RUNNING; its broker message comes
back (``acks_late`` + ``task_reject_on_worker_lost``, or the sweeper re-dispatches what
the broker lost). Waiting for ``JOB_LEASE_SECONDS`` would stall the instance for minutes,
so the redelivery and the sweeper take back at once a lease whose owner process is gone
(same host), and otherwise when the lease expires. Either way the lost run counts as a
failed attempt: the job runs again after the retry delay (``failedJobRetryTimeCycle``),
and a job that kills its worker every time becomes an incident after ``max_attempts``,
never a loop. The finish phase only applies a result that still carries its lease, so
a run whose lease was taken back cannot complete the job a second time; handlers with
external effects use ``HandlerContext.idempotency_key`` (stable across attempts).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import F

from bpmn_engine import clock
from bpmn_engine.conf import engine_setting
from bpmn_engine.handlers.registry import BpmnError, HandlerContext, get_handler
from bpmn_engine.interpreter.errors import TokenNotWaitingError
from bpmn_engine.models import HistoryEvent, Incident, Job, ProcessInstance
from bpmn_engine.observability.hooks import job_observed
from bpmn_engine.services.errors import InvalidInput
from bpmn_engine.services.job_owners import new_owner, owner_is_gone
from bpmn_engine.services.job_rows import (
    Lease as Lease,
)
from bpmn_engine.services.job_rows import (
    job_history,
    job_lock_for_lease,
    job_raise_incident,
    job_visible_variables,
)
from bpmn_engine.services.retries import retry_delay
from bpmn_engine.services.runtime import check_variables, instance_step, lock_instance, step_locked

logger = logging.getLogger(__name__)


def job_dispatch(job_id: int, kind: str = Job.Kind.SERVICE) -> None:
    """Send the broker message for a job. Losing it is harmless: the sweeper resends.

    A service job whose topic is routed (``JOB_QUEUES``, ``job_routing``) goes to its
    topic's queue; everything else to the default queue."""
    from bpmn_engine.services.job_routing import job_queue
    from bpmn_engine.tasks import fire_timer, run_job

    try:
        queue = job_queue(job_id) if kind != Job.Kind.TIMER else None
        if queue:
            run_job.apply_async((job_id,), queue=queue)
        else:
            (fire_timer if kind == Job.Kind.TIMER else run_job).delay(job_id)
    except Exception:  # the broker is down: the Job row stays pending for the sweeper
        logger.exception("Could not dispatch job %s; the sweeper will retry", job_id)


def job_lease(*, job_id: int) -> Lease | None:
    """Phase 1. None when the job is gone, taken, not due, or not ours to run."""
    _reclaim_if_owner_gone(job_id)
    now = clock.now()
    with transaction.atomic():
        job = (
            Job.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("instance")
            .filter(pk=job_id, executor=Job.Executor.CELERY, kind=Job.Kind.SERVICE)
            .first()
        )
        if job is None or job.state != Job.State.PENDING or job.due_at > now:
            return None
        if job.instance is None or job.instance.state != ProcessInstance.State.ACTIVE:
            return None
        owner = new_owner()
        job.state = Job.State.RUNNING
        job.attempts += 1
        job.lock_owner = owner
        job.locked_until = now + timedelta(seconds=engine_setting("JOB_LEASE_SECONDS"))
        job.save(update_fields=["state", "attempts", "lock_owner", "locked_until"])
        variables = job_visible_variables(job)
    context = HandlerContext(
        instance_id=job.instance.pk,
        business_key=job.instance.business_key,
        element_id=job.element_id,
        topic=job.topic,
        job_id=job.pk,
        attempt=job.attempts,
        variables=variables,
    )
    return Lease(job_id=job.pk, owner=owner, context=context)


def _reclaim_if_owner_gone(job_id: int) -> None:
    """A redelivered message for a job RUNNING under a dead worker process: count the
    lost run as a failed attempt now, instead of waiting for the lease to expire."""
    owner = (
        Job.objects.filter(pk=job_id, state=Job.State.RUNNING, executor=Job.Executor.CELERY)
        .values_list("lock_owner", flat=True)
        .first()
    )
    if owner and owner_is_gone(owner):
        job_fail(lease=Lease(job_id=job_id, owner=owner), error=WORKER_LOST)


WORKER_LOST = "The worker process running the job died (killed or crashed)"


def job_execute(*, job_id: int) -> str:
    """Run one job end to end; returns what happened (for logs and tests)."""
    lease = job_lease(job_id=job_id)
    if lease is None:
        return "skipped"
    context = lease.context
    if context is None:  # pragma: no cover - leases from job_lease always carry one
        raise ValueError("A lease from job_lease carries the handler context")
    handler = get_handler(context.topic)
    try:
        if handler is None:
            raise LookupError(f"No handler is registered for topic {context.topic!r}")
        with job_observed(context):
            result = handler(context)
    except BpmnError as exc:  # a business outcome: caught by an error boundary event
        from bpmn_engine.services.events.errors import job_bpmn_error

        return job_bpmn_error(lease=lease, code=exc.code, message=str(exc))
    except Exception as exc:
        return job_fail(
            lease=lease,
            error="".join(traceback.format_exception_only(exc)).strip(),
            details=traceback.format_exc(),
        )
    return job_finish(lease=lease, variables=result)


def job_finish(*, lease: Lease, variables: Mapping[str, Any] | None) -> str:
    """Phase 3 on success: merge the handler's variables and continue the instance."""
    try:
        values = check_variables(variables)
    except InvalidInput as exc:
        return job_fail(lease=lease, error=f"Handler returned bad variables: {exc}")
    with transaction.atomic():
        locked = job_lock_for_lease(lease, with_state=True)
        if locked is None or locked.state is None or locked.job.token_id is None:
            return "stale"
        token_id = locked.job.token_id.hex
        locked.job.delete()

        def complete(interpreter: Any, state: Any) -> Any:
            return interpreter.complete(state, token_id=token_id, variables=values)

        try:
            step_locked(locked.instance, locked.state, complete)
        except TokenNotWaitingError:
            return "stale"
    return "completed"


def job_fail(*, lease: Lease, error: str, details: str = "") -> str:
    """Phase 3 on failure: the same row gets a later due time, or becomes an incident."""
    now = clock.now()
    with transaction.atomic():
        locked = job_lock_for_lease(lease)
        if locked is None:
            return "stale"
        job = locked.job
        job.last_error = details or error
        job.lock_owner = ""
        job.locked_until = None
        if job.attempts < job.max_attempts:
            job.state = Job.State.PENDING
            job.due_at = now + retry_delay(job.retry_time_cycle or None, job.attempts)
            job.dispatched_at = None
            job.save()
            job_history(
                job, "job_failed", error=error, attempt=job.attempts, retry_at=str(job.due_at)
            )
            return "retry"
        job.state = Job.State.FAILED
        job.save()
        job_raise_incident(
            job, locked.instance, f"{job.topic}: {error} (after {job.attempts} attempts)"
        )
    return "incident"


def incident_retry(*, incident_id: int, user: str = "") -> Incident:
    """Resolve an incident and run its element again: a failed job gets fresh attempts,
    a token parked by an engine error is re-executed."""
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident_id)
        lock_instance(incident.instance_id)
        if incident.state != Incident.State.OPEN:
            return incident
        now = clock.now()
        incident.state = Incident.State.RESOLVED
        incident.resolved_at = now
        incident.save(update_fields=["state", "resolved_at"])
        ProcessInstance.objects.filter(pk=incident.instance_id, open_incidents__gt=0).update(
            open_incidents=F("open_incidents") - 1
        )
        job = Job.objects.filter(pk=incident.job_id).first() if incident.job_id else None
        if job is not None:
            job.state = Job.State.PENDING
            job.attempts = 0
            job.due_at = now
            job.dispatched_at = now
            job.save()
            transaction.on_commit(lambda: job_dispatch(job.pk))
        else:
            token = incident.token_id.hex
            instance_step(
                incident.instance_id,
                lambda interpreter, state: interpreter.retry(state, token_id=token),
                user=user,
            )
        HistoryEvent.objects.create(
            instance_id=incident.instance_id,
            event="incident_resolved",
            element_id=incident.element_id,
            token_id=incident.token_id,
            user=user,
            data={"incident_id": incident.pk},
            timestamp=now,
        )
    return incident


# The sweeper lives in its own module; re-exported here, where callers import it from.
from bpmn_engine.services.job_sweep import jobs_sweep as jobs_sweep  # noqa: E402
