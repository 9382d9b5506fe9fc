"""Drain time of many timers that fall due together, through the real sweeper and workers.

``benchmarks/timer_wait.bpmn`` waits an hour on an intermediate timer. The benchmark
starts N instances (each leaves one pending timer job), starts real ``celery worker``
processes (the first with beat, which runs the job sweeper every
``BATON_SWEEP_INTERVAL`` seconds), and then moves every timer's due time to the same
instant T0 with one ``UPDATE`` (past due dates: no clock is faked, so workers and the
bench agree on "now"). From there the production path does the work: the sweeper finds
due jobs (``jobs_sweep``: ``SKIP LOCKED``, batch after batch up to the jobs in flight),
sends them 20 to a ``fire_timers`` message, and workers fire them (``timer_fire``), each
instance ending after its timer.

Reported: drain time (T0 to the last instance ended), timers/s, and lateness (an
instance's ``ended_at`` minus T0) p50/p95/max, plus how many timers had ended after
each second, so the shape of the drain (batches per sweep) is visible.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import connection
from django.utils import timezone

from bpmn_engine.benchmarks.celery_throughput import _start_worker
from bpmn_engine.models import Job, ProcessDefinition, ProcessInstance
from bpmn_engine.services.deploy import definition_deploy
from bpmn_engine.services.instances import instance_start

HERE = Path(__file__).resolve().parent


def _deploy() -> ProcessDefinition:
    data = (HERE / "timer_wait.bpmn").read_bytes()
    return definition_deploy(data=data, filename="timer_wait.bpmn").definitions[0]


def _lateness(definition: ProcessDefinition, due: datetime) -> dict[str, float]:
    """p50/p95/max of ``ended_at - due`` over the ended instances, in seconds."""
    ended = ProcessInstance.objects.filter(definition=definition, ended_at__isnull=False)
    times = ended.values_list("ended_at", flat=True)
    late = sorted((at - due).total_seconds() for at in times if at is not None)
    return {
        "lateness_p50_s": round(statistics.median(late), 2),
        "lateness_p95_s": round(late[max(int(len(late) * 0.95) - 1, 0)], 2),
        "lateness_max_s": round(late[-1], 2),
    }


def _drain(definition: ProcessDefinition, timers: int, timeout: float) -> dict[str, Any]:
    """Make every timer due at T0, then wait until every instance ended."""
    ended = ProcessInstance.objects.filter(definition=definition, ended_at__isnull=False)
    due = timezone.now()
    made_due = Job.objects.filter(
        instance__definition=definition, kind=Job.Kind.TIMER, state=Job.State.PENDING
    ).update(due_at=due)
    if made_due != timers:
        raise RuntimeError(f"Expected {timers} pending timers, found {made_due}")
    started = time.monotonic()
    progress: list[int] = []
    done = 0
    while done < timers:
        if time.monotonic() - started > timeout:
            raise RuntimeError(f"Only {done} of {timers} timers fired within {timeout}s")
        time.sleep(0.2)
        done = ended.count()
        if time.monotonic() - started >= len(progress) + 1:
            progress.append(done)
    lateness = _lateness(definition, due)
    seconds = max(lateness["lateness_max_s"], 0.01)  # the last timer's end ends the drain
    return {
        "drain_seconds": seconds,
        "timers_per_second": round(timers / seconds, 1),
        **lateness,
        "ended_after_each_second": progress,
    }


def timers_benchmark(*, timers: int = 10_000, workers: int = 2) -> dict[str, Any]:
    """Start ``timers`` waiting instances, then drain them with ``workers`` processes."""
    if connection.vendor != "postgresql":
        return {"skipped": "the timers benchmark needs PostgreSQL and a broker"}
    definition = _deploy()
    started = time.perf_counter()
    for _ in range(timers):
        instance_start(key=definition.key, variables={})
    results: dict[str, Any] = {
        "timers": timers,
        "worker_processes": workers,
        "sweep_interval_s": float(os.environ.get("BATON_SWEEP_INTERVAL", "2")),
        "start_seconds": round(time.perf_counter() - started, 1),
    }
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-")))
        for number in range(workers):
            _start_worker(stack, workdir, number)
        results.update(_drain(definition, timers, timeout=max(120.0, timers / 5)))
    return results
