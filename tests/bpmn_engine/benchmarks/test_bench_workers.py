"""Smoke tests of the bench sections that run real Celery workers (timers, rss).

Small sizes, so they only show that each section drives the production path to the end
and reports its figures; no timing is asserted (the machine is shared).
"""

from __future__ import annotations

import os

import pytest

from bpmn_engine.benchmarks.rss import children_of, rss_benchmark, rss_kib
from bpmn_engine.benchmarks.timers import timers_benchmark
from bpmn_engine.models import Job, ProcessInstance


@pytest.mark.django_db(transaction=True)
def test_timers_section_drains_every_due_timer_through_the_sweeper_and_a_worker() -> None:
    figures = timers_benchmark(timers=30, workers=1)
    assert figures["timers"] == 30
    assert ProcessInstance.objects.filter(ended_at__isnull=False).count() == 30
    assert not Job.objects.filter(kind=Job.Kind.TIMER).exists()
    assert 0 <= figures["lateness_p50_s"] <= figures["lateness_p95_s"]
    assert figures["lateness_p95_s"] <= figures["drain_seconds"]
    assert all(ended <= 30 for ended in figures["ended_after_each_second"])


@pytest.mark.django_db(transaction=True)
def test_rss_section_samples_the_pool_process_after_every_round() -> None:
    figures = rss_benchmark(instances=12, rounds=4)
    assert figures["instances"] == 12
    assert ProcessInstance.objects.filter(state="completed").count() == 12
    assert len(figures["pool_rss_mb_series"]) == 5  # before the first round, then each
    assert all(mb > 10 for mb in figures["pool_rss_mb_series"])
    assert isinstance(figures["pool_flat"], bool)


def test_rss_is_read_from_proc_for_this_process_and_its_parent() -> None:
    assert rss_kib(os.getpid()) > 1000
    assert os.getpid() in children_of(os.getppid())
