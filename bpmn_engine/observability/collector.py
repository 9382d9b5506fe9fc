"""Gauges read from the database when ``/metrics`` is scraped.

Queue depth, open tasks, active tokens and incidents are facts about rows, shared by
every process; keeping them in memory would make each process report its own partial
view. A handful of aggregate queries (each on an indexed column) answer them instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from django.db.models import Count, Min
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from bpmn_engine import clock
from bpmn_engine.models import Incident, Job, ProcessInstance, Token, UserTask

PROCESS = "instance__definition__key"


class DatabaseCollector(Collector):
    """Computes the engine's gauges at scrape time (see the module docstring)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = clock.now()
        yield self._per_process(
            "baton_instances_active",
            "Instances active (not ended, not suspended).",
            ProcessInstance.objects.filter(state=ProcessInstance.State.ACTIVE)
            .values_list("definition__key")
            .annotate(n=Count("id")),
        )
        yield self._per_process(
            "baton_tokens_active",
            "Tokens of running instances.",
            Token.objects.values_list(PROCESS).annotate(n=Count("id")),
        )
        yield self._per_process(
            "baton_user_tasks_open",
            "User tasks waiting for a person.",
            UserTask.objects.filter(state=UserTask.State.OPEN)
            .values_list(PROCESS)
            .annotate(n=Count("id")),
        )
        yield self._per_process(
            "baton_incidents_open",
            "Open incidents (instances stopped until someone retries).",
            Incident.objects.filter(state=Incident.State.OPEN)
            .values_list(PROCESS)
            .annotate(n=Count("id")),
        )
        yield from self._jobs(now)
        yield self._timer_overdue(now)

    @staticmethod
    def _per_process(name: str, doc: str, rows: Iterable[tuple[str, int]]) -> GaugeMetricFamily:
        family = GaugeMetricFamily(name, doc, labels=["process"])
        for process, count in rows:
            family.add_metric([process], count)
        return family

    @staticmethod
    def _jobs(now: datetime) -> Iterator[GaugeMetricFamily]:
        depth = GaugeMetricFamily(
            "baton_jobs",
            "Jobs by topic and state (pending, running, failed): the queue depth.",
            labels=["topic", "state"],
        )
        for topic, state, count in Job.objects.values_list("topic", "state").annotate(
            n=Count("id")
        ):
            depth.add_metric([topic, state], count)
        yield depth
        age = GaugeMetricFamily(
            "baton_jobs_due_oldest_age_seconds",
            "Age of the oldest due pending job per topic: how far the workers are behind.",
            labels=["topic"],
        )
        due = (
            Job.objects.filter(state=Job.State.PENDING, due_at__lte=now)
            .values_list("topic")
            .annotate(oldest=Min("due_at"))
        )
        for topic, oldest in due:
            age.add_metric([topic], (now - oldest).total_seconds())
        yield age

    @staticmethod
    def _timer_overdue(now: datetime) -> GaugeMetricFamily:
        """Lateness of timers that are due and not fired yet (0 when none); fired
        timers feed the ``baton_timer_lateness_seconds`` histogram instead."""
        family = GaugeMetricFamily(
            "baton_timers_overdue_seconds",
            "How late the most overdue pending timer job is.",
        )
        overdue = 0.0
        if timers_supported():
            oldest = Job.objects.filter(
                kind="timer", state=Job.State.PENDING, due_at__lte=now
            ).aggregate(oldest=Min("due_at"))["oldest"]
            if oldest is not None:
                overdue = (now - oldest).total_seconds()
        family.add_metric([], overdue)
        return family


def timers_supported() -> bool:
    """Timer jobs carry ``Job.kind == "timer"`` once the timer feature adds the field."""
    return any(field.name == "kind" for field in Job._meta.get_fields())
