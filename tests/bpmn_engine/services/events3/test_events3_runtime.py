"""Runtime (PostgreSQL) checks of the events3 features: conditional process starts
(``conditions_evaluate``), parallel multiple catch events through real message
correlation and signal broadcast, and compensating a completed subprocess."""

from __future__ import annotations

from typing import Any

import pytest

from bpmn_engine.models import EventSubscription, ProcessInstance, UserTask
from bpmn_engine.services.events import conditions_evaluate, message_correlate, signal_broadcast
from bpmn_engine.services.instances import instance_start
from bpmn_engine.services.tasks import task_complete

pytestmark = pytest.mark.django_db


def _open(instance: ProcessInstance) -> list[str]:
    return sorted(
        UserTask.objects.filter(instance=instance, state="open").values_list(
            "element_id", flat=True
        )
    )


def test_conditions_evaluate_starts_the_latest_processes_whose_condition_holds(
    deployed: Any,
) -> None:
    plain = deployed("events3/conditional_start")
    feel = deployed("events3/conditional_start_feel")

    assert conditions_evaluate(variables={"amount": 10}) == []
    assert conditions_evaluate(variables={"unrelated": 1}) == [], "missing variables: false"

    [started] = conditions_evaluate(variables={"amount": 5000}, business_key="order-7")
    assert (started.instance.definition_id, started.element_id) == (plain.pk, "BigOrder")
    assert started.instance.business_key == "order-7"
    assert _open(started.instance) == ["Review"]

    [red] = conditions_evaluate(variables={"risks": ["green", "red"]})
    assert red.instance.definition_id == feel.pk
    assert _open(red.instance) == ["Investigate"]


def test_conditions_evaluate_can_be_limited_to_one_process(deployed: Any) -> None:
    deployed("events3/conditional_start")
    assert conditions_evaluate(variables={"amount": 5000}, process_definition_key="Other") == []


def test_a_parallel_catch_waits_for_the_message_and_the_signal(deployed: Any) -> None:
    instance = instance_start(definition=deployed("events3/parallel_multiple_catch"))
    parts = sorted(
        EventSubscription.objects.filter(instance=instance).values_list("element_id", "name")
    )
    assert parts == [("PaidAndShipped#0", "Paid"), ("PaidAndShipped#1", "Shipped")]

    signal_broadcast(name="Shipped", variables={"carrier": "DHL"})
    assert _open(instance) == []
    message_correlate(name="Paid", variables={"paid": True})
    assert _open(instance) == ["Close"]
    assert not EventSubscription.objects.filter(instance=instance).exists()


def test_a_completed_subprocess_is_compensated_from_outside_in_reverse_order(
    deployed: Any, make_user: Any
) -> None:
    admin = make_user("admin", superuser=True)
    instance = instance_start(definition=deployed("events3/compensation_subprocess_default"))

    def complete(element_id: str) -> None:
        task = UserTask.objects.get(instance=instance, element_id=element_id, state="open")
        task_complete(task_id=task.pk, user=admin)

    complete("Decide")
    assert _open(instance) == ["CancelCar"]
    complete("CancelCar")
    assert _open(instance) == ["CancelFlight"]
    complete("CancelFlight")
    instance.refresh_from_db()
    assert instance.state == "completed"


def test_a_parallel_start_starts_on_its_first_event_and_goes_on_after_the_last(
    deployed: Any,
) -> None:
    definition = deployed("events3/parallel_multiple_start")
    starts = EventSubscription.objects.filter(definition=definition, instance=None)
    assert sorted(starts.values_list("element_id", "name")) == [
        ("OrderAndStock#0", "OrderPlaced"),
        ("OrderAndStock#1", "StockArrived"),
    ]
    result = message_correlate(name="OrderPlaced", variables={"order": 7})
    assert result.started
    instance = result.instance
    assert _open(instance) == []
    waiting = EventSubscription.objects.filter(instance=instance)
    assert sorted(waiting.values_list("element_id", flat=True)) == [
        "OrderAndStock#0",
        "OrderAndStock#1",
    ]

    [delivery, *_] = signal_broadcast(name="StockArrived")
    assert delivery.instance == instance and not delivery.started
    assert _open(instance) == ["Ship"]
    assert not EventSubscription.objects.filter(instance=instance).exists()
