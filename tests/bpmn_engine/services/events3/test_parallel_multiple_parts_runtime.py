"""Runtime (PostgreSQL) checks of parallel multiple events' parts: a cycle timer used as
one part fires once and is not re-armed; a parallel catch after an event-based gateway
wins only when its last part arrives."""

from __future__ import annotations

from typing import Any

import pytest

from bpmn_engine import clock
from bpmn_engine.models import EventSubscription, Job, ProcessInstance, UserTask
from bpmn_engine.services.events import message_correlate, signal_broadcast
from bpmn_engine.services.events.timers import timer_fire
from bpmn_engine.services.instances import instance_start

pytestmark = pytest.mark.django_db


def _open(instance: ProcessInstance) -> list[str]:
    return sorted(
        UserTask.objects.filter(instance=instance, state="open").values_list(
            "element_id", flat=True
        )
    )


def test_a_cycle_timer_part_fires_once_and_then_waits_for_the_other_part(
    deployed: Any,
) -> None:
    instance = instance_start(definition=deployed("events3/parallel_multiple_cycle_part"))
    job = Job.objects.get(instance=instance, kind=Job.Kind.TIMER)
    assert (job.element_id, job.timer["type"], job.timer["value"]) == (
        "OverdueAndEscalated#0",
        "cycle",
        "R3/PT10M",
    )
    clock.advance(601)
    assert timer_fire(job_id=job.pk) == "fired"
    assert not Job.objects.filter(instance=instance, kind=Job.Kind.TIMER).exists(), (
        "a timer part is not re-armed: its first occurrence was its trigger"
    )
    assert _open(instance) == ["Review"]

    message_correlate(name="Escalate")
    assert _open(instance) == ["Chase", "Review"]
    assert (
        instance.history.filter(event="element_completed", element_id="OverdueAndEscalated").count()
        == 1
    )


def test_a_parallel_catch_after_an_event_based_gateway_needs_both_parts(deployed: Any) -> None:
    instance = instance_start(definition=deployed("events3/parallel_multiple_after_event_gateway"))
    signal_broadcast(name="Shipped")
    assert _open(instance) == []
    assert EventSubscription.objects.filter(instance=instance, name="Cancelled").exists()

    message_correlate(name="Paid")
    assert _open(instance) == ["Close"]
    assert not EventSubscription.objects.filter(instance=instance).exists()
