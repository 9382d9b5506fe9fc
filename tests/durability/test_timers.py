"""Timers (issue 6, crashes 11): at scale, under two beat schedulers, and across restarts.

The timer's truth is its Job row; the beat sweeper sends a message for each due one and
``timer_fire`` re-checks the row under the instance lock. These tests show that 1,000
timers due within 10 s each fire exactly once on real worker processes, each with its
own beat scheduler running at once, and report how late they fired (the test output and
the ``baton_timer_lateness_seconds`` histogram the workers fed); that two sweepers
racing take disjoint sets of due jobs; and that a timer 30 days out survives ``kill -9``
of the worker and its beat with the controllable clock moved forward.
"""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import Count
from prometheus_client import CollectorRegistry
from prometheus_client.multiprocess import MultiProcessCollector

from bpmn_engine import clock
from bpmn_engine.models import HistoryEvent, Job, ProcessInstance, UserTask
from bpmn_engine.services import job_sweep
from bpmn_engine.services.events.timers import timer_fire
from bpmn_engine.services.instances import instance_start
from tests.conftest import wait_for
from tests.durability.workers import Worker, pid_alive

pytestmark = [pytest.mark.durability, pytest.mark.django_db(transaction=True)]

TIMERS = 1_000
SPREAD = timedelta(seconds=10)


def _start_due_at(definition: Any, due: list[datetime]) -> dict[int, datetime]:
    """One ``durability/timer_at_due`` instance per due time: instance id -> due time.
    Run in a thread of its own (its own database session), closed at the end."""
    started: dict[int, datetime] = {}
    try:
        for first in range(0, len(due), 100):
            with transaction.atomic():
                for when in due[first : first + 100]:
                    variables = {"dueAt": when.isoformat()}
                    started[instance_start(definition=definition, variables=variables).pk] = when
    finally:
        connection.close()
    return started


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _lateness_histogram_count(folder: Path) -> float:
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(folder))
    value = registry.get_sample_value("baton_timer_lateness_seconds_count")
    return value or 0.0


@pytest.mark.worker
def test_a_thousand_timers_due_within_ten_seconds_fire_once_each_under_two_beat_schedulers(
    deployed, tmp_path
):
    definition = deployed("durability/timer_at_due")
    metrics = tmp_path / "metrics"
    metrics.mkdir()
    first_due = datetime.now(UTC) + timedelta(hours=1)  # nothing is due while we start them
    due = [first_due + SPREAD * i / TIMERS for i in range(TIMERS)]
    started = time.monotonic()
    with ThreadPoolExecutor(4) as pool:  # two workers, each with its own beat scheduler
        starting = [
            pool.submit(Worker, tmp_path, name, PROMETHEUS_MULTIPROC_DIR=str(metrics))
            for name in ("timers-a", "timers-b")
        ]
        halves = [pool.submit(_start_due_at, definition, due[i::2]) for i in (0, 1)]
    created_in = time.monotonic() - started
    workers = [future.result() for future in starting if future.exception() is None]
    try:
        for future in starting + halves:
            future.result()  # a worker that did not start, or a failed start, fails here
        due_of = {**halves[0].result(), **halves[1].result()}
        assert Job.objects.filter(kind=Job.Kind.TIMER, state=Job.State.PENDING).count() == TIMERS
        clock.advance((first_due - clock.now()).total_seconds() - 0.5)
        wait_for(
            lambda: not ProcessInstance.objects.filter(pk__in=due_of, state="active").exists(),
            timeout=240,
            what=f"{TIMERS} timers to fire",
        )
        fired = HistoryEvent.objects.filter(
            instance_id__in=due_of, event="event_triggered", element_id="Wait"
        )
        per_instance = fired.values("instance_id").annotate(n=Count("id"))
        assert sorted(row["n"] for row in per_instance) == [1] * TIMERS, "each fired once"
        assert not Job.objects.filter(kind=Job.Kind.TIMER).exists()
        fired_at = dict(fired.values_list("instance_id", "timestamp"))
        lateness = [(when - due_of[pk]).total_seconds() for pk, when in fired_at.items()]
        firing = (max(fired_at.values()) - min(fired_at.values())).total_seconds()
        assert min(lateness) >= 0, "never before its due time"
        logs = [worker.text() for worker in workers]
        assert all("Sending due task sweep-jobs" in log for log in logs), "two beats swept"
        ran = [log.count("fire_timers[") // 2 for log in logs]  # received + succeeded
        fired_by_tasks = [int(n) for log in logs for n in re.findall(r"'fired': (\d+)", log)]
        assert sum(fired_by_tasks) == TIMERS, "the workers fired each timer once"
    finally:
        for worker in workers:
            worker.stop()
    assert _lateness_histogram_count(metrics) == TIMERS, "every firing fed the histogram once"
    print(
        f"{TIMERS} timers due within {SPREAD.seconds}s on 2 workers with 2 beats: lateness "
        f"p50 {_percentile(lateness, 0.5):.2f}s, p95 {_percentile(lateness, 0.95):.2f}s, "
        f"max {max(lateness):.2f}s; fired in {firing:.1f}s ({TIMERS / firing:.0f}/s), "
        f"{ran} timer messages per worker; {created_in:.1f}s to start the instances"
    )


def test_two_sweepers_at_once_dispatch_each_due_timer_once(deployed, harness, monkeypatch):
    """Two sweeps in two sessions, both paused after reading their due rows: with
    ``SKIP LOCKED`` they take disjoint sets, and every timer fires once."""
    harness.pause_in_step = False
    definition = deployed("durability/timer_at_due")
    past = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
    for _ in range(150):
        instance_start(definition=definition, variables={"dueAt": past})
    sent: list[int] = []
    monkeypatch.setattr(job_sweep, "job_dispatch", lambda job_id, kind: sent.append(job_id))
    monkeypatch.setattr(job_sweep, "timers_dispatch", sent.extend)  # the broker's side
    take_due = job_sweep._take_due

    def paused_take_due(*args: Any) -> Any:
        rows = take_due(*args)
        harness.gate.pause()
        return rows

    monkeypatch.setattr(job_sweep, "_take_due", paused_take_due)
    result = harness.race(
        lambda: job_sweep.jobs_sweep(batch=100), lambda: job_sweep.jobs_sweep(batch=100)
    )
    assert result.both_paused, "both sweeps had read and locked their rows"
    # Both sweeps scan at the same moment, so how SKIP LOCKED splits the 150 rows
    # between them (100 + 50, 96 + 54, ...) depends on timing; that both took rows,
    # disjoint ones, all 150 between them, does not.
    dispatched = [r["dispatched"] for r in result.values()]
    assert sum(dispatched) == 150 and min(dispatched) > 0, dispatched
    assert len(sent) == len(set(sent)) == 150, "each due timer sent once"
    assert job_sweep.jobs_sweep()["dispatched"] == 0, "sent ones wait for the resend delay"
    outcomes = [timer_fire(job_id=job_id) for job_id in sent + sent]  # a duplicate each
    assert outcomes.count("fired") == 150
    assert set(outcomes[150:]) == {"gone"}
    assert not ProcessInstance.objects.filter(definition=definition, state="active").exists()


def test_one_sweep_sends_batch_after_batch_up_to_the_jobs_in_flight(deployed, monkeypatch):
    """A sweep no longer stops at one batch (that held the drain to ``batch`` per beat
    interval), but stops once ``max_in_flight`` jobs are sent and not yet done: a
    backlog deeper than the resend delay would only be sent twice."""
    definition = deployed("durability/timer_at_due")
    past = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
    for _ in range(150):
        instance_start(definition=definition, variables={"dueAt": past})
    sent: list[int] = []
    monkeypatch.setattr(job_sweep, "timers_dispatch", sent.extend)  # the broker's side
    assert job_sweep.jobs_sweep(batch=40, max_in_flight=100)["dispatched"] == 100  # 40+40+20
    assert job_sweep.jobs_sweep(batch=40, max_in_flight=100)["dispatched"] == 0, "all in flight"
    for job_id in sent[:30]:
        assert timer_fire(job_id=job_id) == "fired"
    assert job_sweep.jobs_sweep(batch=40, max_in_flight=100)["dispatched"] == 30
    assert job_sweep.jobs_sweep(batch=40)["dispatched"] == 20, "the rest"
    assert len(sent) == len(set(sent)) == 150, "each due timer sent once"


@pytest.mark.worker
def test_a_timer_30_days_out_survives_kill_9_of_worker_and_beat(deployed, tmp_path):
    instance = instance_start(definition=deployed("durability/timer_30_days"))
    job = Job.objects.get(instance=instance, kind=Job.Kind.TIMER)
    first = Worker(tmp_path, "month-1")
    first.kill()  # kill -9 of the worker's main process ...
    first.stop()  # ... and of its orphaned beat and pool processes: none of it is left
    wait_for(lambda: not any(map(pid_alive, first.orphans)), what="the orphans to be gone")
    clock.advance(timedelta(days=29).total_seconds())
    assert timer_fire(job_id=job.pk) == "skipped", "a delivery a day early does nothing"
    assert job_sweep.jobs_sweep()["dispatched"] == 0
    clock.advance(timedelta(days=1, seconds=1).total_seconds())
    second = Worker(tmp_path, "month-2")
    try:
        after = wait_for(
            lambda: UserTask.objects.filter(instance=instance, element_id="After").first(),
            timeout=60,
            what="the 30-day timer to fire after the restart",
        )
    finally:
        second.stop()
    assert after.state == "open"
    fired = HistoryEvent.objects.filter(instance=instance, event="event_triggered")
    assert list(fired.values_list("element_id", flat=True)) == ["Month"]
    assert not Job.objects.filter(pk=job.pk).exists()
