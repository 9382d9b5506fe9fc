"""Compensation, transactions and sent messages on PostgreSQL.

Compensation records and running handlers live in the scope rows, so every step here
goes through the database: the state is saved and reloaded between task completions.
Messages sent by send tasks and message end events reach the waiting instance after the
sender commits."""

from __future__ import annotations

import pytest

from bpmn_engine.interpreter.behaviors.compensation import KEY
from bpmn_engine.models import HistoryEvent, ProcessInstance, Scope, UserTask
from bpmn_engine.services.instances import instance_start
from bpmn_engine.services.tasks import task_complete

pytestmark = pytest.mark.django_db


def _open(instance: ProcessInstance) -> list[str]:
    return sorted(
        UserTask.objects.filter(instance=instance, state="open").values_list(
            "element_id", flat=True
        )
    )


def _complete(instance: ProcessInstance, element_id: str, user, **variables) -> None:
    task = UserTask.objects.get(instance=instance, element_id=element_id, state="open")
    task_complete(task_id=task.pk, user=user, variables=variables)


def test_a_saga_is_undone_in_reverse_order_across_steps_and_leaves_no_records(deployed, make_user):
    bob = make_user("bob", superuser=True)
    instance = instance_start(definition=deployed("compensation/throw_reverse_order"))
    root = Scope.objects.get(instance=instance)
    assert [r["activity"] for r in root.variables[KEY]["done"]] == ["BookHotel", "BookFlight"]
    _complete(instance, "Payment", bob)
    assert _open(instance) == ["CancelFlight"]
    _complete(instance, "CancelFlight", bob)
    assert _open(instance) == ["CancelHotel"]
    _complete(instance, "CancelHotel", bob)
    assert _open(instance) == ["Apologise"]
    assert [s.variables for s in Scope.objects.filter(instance=instance)] == [
        {"hotel": "booked", "flight": "booked"}
    ]


def test_a_cancelled_transaction_is_compensated_and_leaves_by_its_cancel_boundary(
    deployed, make_user
):
    bob = make_user("bob", superuser=True)
    instance = instance_start(definition=deployed("compensation/transaction_cancel"))
    _complete(instance, "Decide", bob, abort=True)
    assert _open(instance) == ["Confirm", "Release"]
    _complete(instance, "Release", bob)
    assert _open(instance) == ["Notify"]
    assert UserTask.objects.get(instance=instance, element_id="Confirm").state == "cancelled"
    _complete(instance, "Notify", bob)
    instance.refresh_from_db()
    assert instance.state == ProcessInstance.State.COMPLETED


def test_a_send_task_message_reaches_the_instance_waiting_in_a_catch_event(
    deployed, django_capture_on_commit_callbacks
):
    warehouse = instance_start(definition=deployed("compensation/send_task_message", "Warehouse"))
    shop_definition = deployed("compensation/send_task_message", "Shop")
    with django_capture_on_commit_callbacks(execute=True):
        shop = instance_start(definition=shop_definition)
    assert ProcessInstance.objects.get(pk=shop.pk).state == "completed"
    assert _open(warehouse) == ["Pack"]
    sent = HistoryEvent.objects.get(instance=shop, event="message_sent")
    assert (sent.element_id, sent.data["name"]) == ("NotifyWarehouse", "OrderPlaced")


def test_a_message_end_event_reaches_the_instance_waiting_in_a_receive_task(
    deployed, django_capture_on_commit_callbacks
):
    listener = instance_start(definition=deployed("compensation/message_end", "Listener"))
    finisher_definition = deployed("compensation/message_end", "Finisher")
    with django_capture_on_commit_callbacks(execute=True):
        finisher = instance_start(definition=finisher_definition)
    assert ProcessInstance.objects.get(pk=finisher.pk).state == "completed"
    assert _open(listener) == ["Archive"]


def test_a_send_task_message_nobody_waits_for_is_reported_on_the_sender(
    deployed, django_capture_on_commit_callbacks
):
    shop_definition = deployed("compensation/send_task_message", "Shop")
    with django_capture_on_commit_callbacks(execute=True):
        shop = instance_start(definition=shop_definition)
    event = HistoryEvent.objects.get(instance=shop, event="message_unmatched")
    assert (event.element_id, event.data["name"]) == ("NotifyWarehouse", "OrderPlaced")
