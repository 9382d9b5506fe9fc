"""The job sweeper, run by Celery beat: the Job table is the truth, the broker a courier.

It re-dispatches due jobs whose message was lost or never sent (a broker restart, a
broker with no persistence, a dispatch that failed), and takes back leases that expired
or whose owner process is gone (``job_owners``), as failed attempts (``jobs.job_fail``).
Rows are taken with ``SKIP LOCKED``, so two beat schedulers running at once split the
work instead of dispatching a job twice. Due timers travel several to a message
(``fire_timers``); a lost or duplicate message is harmless, as each firing re-checks its
row under the instance lock.

One sweep sends batch after batch while they come back full, so a thousand timers due
at once reach the workers in one sweep rather than ``batch`` per beat interval (that cap
held the drain near 100 timers/s however many workers ran). Two bounds keep a sweep
short and the broker from flooding: a time budget (``SWEEP_SECONDS``), as the sweep runs
on a worker that also runs jobs, and the jobs already sent and not yet done
(``MAX_IN_FLIGHT``), since a job still queued after ``REDISPATCH_AFTER_SECONDS`` is sent
again, and a backlog deeper than the workers drain in that time would double itself.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q

from bpmn_engine import clock
from bpmn_engine.conf import engine_setting
from bpmn_engine.models import Job
from bpmn_engine.services.events.timers import timers_dispatch
from bpmn_engine.services.job_owners import owner_is_gone
from bpmn_engine.services.jobs import WORKER_LOST, Lease, job_dispatch, job_fail

TIMERS_PER_MESSAGE = 20
SWEEP_SECONDS = 1.0
"""A sweep stops taking further batches after this long (half the default interval)."""
MAX_IN_FLIGHT = 1000
"""Jobs sent within the resend window and not yet done, above which a sweep sends no
more: even at 50 jobs/s the workers finish them in 20 s, inside the 30 s resend delay,
and a sweep message waits behind at most that much work; a sweep every 2 s can still
feed 500 jobs/s (the old single batch: 100/s)."""


def jobs_sweep(
    *, batch: int = 200, max_in_flight: int = MAX_IN_FLIGHT, seconds: float = SWEEP_SECONDS
) -> dict[str, int]:
    """Run by Celery beat: re-dispatch due jobs whose message is lost or never sent, and
    give back jobs whose lease expired (the worker died mid-job) as a failed attempt."""
    now = clock.now()
    expired = _expire_leases(now, batch)
    resend_before = now - timedelta(seconds=engine_setting("REDISPATCH_AFTER_SECONDS"))
    started = time.monotonic()
    room = max_in_flight - _in_flight(now, resend_before)
    dispatched = 0
    while room > 0:
        sent = _dispatch_batch(now, resend_before, min(batch, room))
        dispatched += sent
        room -= sent
        if sent < batch or time.monotonic() - started >= seconds:
            break  # no more due (or all the rest locked by another sweeper), or time is up
    return {"dispatched": dispatched, "expired": expired}


def _dispatch_batch(now: Any, resend_before: Any, batch: int) -> int:
    """Take up to ``batch`` due rows, mark them sent and send them once this commits; the
    mark keeps the next batch (and other sweepers) off them until the resend delay."""
    with transaction.atomic():
        due = _take_due(now, resend_before, batch)
        ids = [job.pk for job in due]
        pairs = [(job.pk, job.kind) for job in due]
        Job.objects.filter(pk__in=ids).update(dispatched_at=now)
        transaction.on_commit(lambda: _send(pairs))
    return len(ids)


def _in_flight(now: Any, resend_before: Any) -> int:
    """Broker jobs sent within the resend window and not done yet (still pending). Only
    due jobs are sent, so ``due_at <= now`` keeps the count on the due part of the
    ``(state, due_at)`` index, however many timers wait for next month."""
    return Job.objects.filter(
        executor=Job.Executor.CELERY,
        state=Job.State.PENDING,
        due_at__lte=now,
        dispatched_at__gte=resend_before,
    ).count()


def _send(pairs: list[tuple[int, str]]) -> None:
    """One message per service job (each is leased and may run for long); due timers
    ``TIMERS_PER_MESSAGE`` to a message, since a firing is one short step and with
    thousands due at once the cost of a message each would dominate."""
    timers = [job_id for job_id, kind in pairs if kind == Job.Kind.TIMER]
    for job_id, kind in pairs:
        if kind != Job.Kind.TIMER:
            job_dispatch(job_id, kind)
    for first in range(0, len(timers), TIMERS_PER_MESSAGE):
        timers_dispatch(timers[first : first + TIMERS_PER_MESSAGE])


def _take_due(now: Any, resend_before: Any, batch: int) -> list[Job]:
    """Lock the due jobs to send, skipping rows another sweeper holds (``SKIP LOCKED``):
    two sweepers at once take disjoint sets, never the same job."""
    return list(
        Job.objects.select_for_update(skip_locked=True)
        .filter(executor=Job.Executor.CELERY, state=Job.State.PENDING, due_at__lte=now)
        .filter(Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=resend_before))
        .order_by("due_at")[:batch]
    )


def _expire_leases(now: Any, batch: int) -> int:
    """Take back expired leases, and leases whose owner process is gone (this host)."""
    expired = 0
    running = (  # the oldest leases first: expired ones are never starved by live ones
        Job.objects.filter(state=Job.State.RUNNING)
        .order_by("locked_until")
        .values_list("pk", "lock_owner", "locked_until", "executor")[:batch]
    )
    for job_id, owner, until, executor in running:
        if until is not None and until < now:
            error = "The job's lease expired: its worker stopped"
        elif executor == Job.Executor.CELERY and owner_is_gone(owner):
            error = WORKER_LOST
        else:
            continue
        if job_fail(lease=Lease(job_id=job_id, owner=owner), error=error) != "stale":
            expired += 1
    return expired
