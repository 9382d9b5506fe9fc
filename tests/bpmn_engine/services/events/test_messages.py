"""Message correlation at run time: to a waiting instance, to a start event, between
instances, and never silently dropped."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from bpmn_engine.models import EventSubscription, HistoryEvent, ProcessInstance, UserTask
from bpmn_engine.services.errors import NotFound
from bpmn_engine.services.events import message_correlate
from bpmn_engine.services.instances import instance_start

pytestmark = pytest.mark.django_db


def _open(instance) -> list[str]:
    return sorted(
        UserTask.objects.filter(instance=instance, state="open").values_list(
            "element_id", flat=True
        )
    )


def test_a_message_reaches_the_instance_with_the_business_key(deployed):
    definition = deployed("events/message_catch")
    first = instance_start(definition=definition, business_key="order-1")
    second = instance_start(definition=definition, business_key="order-2")

    result = message_correlate(
        name="PaymentReceived", business_key="order-2", variables={"amount": 42}
    )
    assert (result.instance.pk, result.element_id, result.started) == (
        second.pk,
        "WaitPayment",
        False,
    )
    assert _open(second) == ["Ship"]
    assert _open(first) == []
    assert not EventSubscription.objects.filter(instance=second).exists()
    assert second.scopes.get().variables == {"amount": 42}


def test_correlation_keys_select_the_instance_by_its_variables(deployed):
    definition = deployed("events/receive_task")
    instance_start(definition=definition, variables={"orderId": 1})
    wanted = instance_start(definition=definition, variables={"orderId": 2})
    result = message_correlate(name="OrderShipped", correlation_keys={"orderId": 2})
    assert result.instance.pk == wanted.pk
    assert _open(wanted) == ["Confirm"]


def test_a_message_nobody_waits_for_is_a_clear_not_found(deployed):
    deployed("events/message_catch")
    with pytest.raises(NotFound) as caught:
        message_correlate(name="PaymentReceived", business_key="nobody")
    assert str(caught.value) == (
        "No process instance or start event waits for message 'PaymentReceived' "
        "with business key 'nobody'"
    )


def test_a_message_start_event_starts_an_instance_with_the_business_key(deployed):
    definition = deployed("events/message_start")
    result = message_correlate(name="NewOrder", business_key="A-7", variables={"item": "pen"})
    assert result.started and result.element_id == "OrderReceived"
    instance = ProcessInstance.objects.get(pk=result.instance.pk)
    assert (instance.definition_id, instance.business_key) == (definition.pk, "A-7")
    assert _open(instance) == ["Handle"]
    assert instance.scopes.get().variables == {"item": "pen"}


def test_an_instantiating_receive_task_starts_an_instance(deployed):
    deployed("events/instantiating_receive_task")
    result = message_correlate(name="Ping")
    assert result.started and _open(result.instance) == ["Answer"]


def test_an_interrupting_message_boundary_cancels_the_task(deployed):
    instance = instance_start(definition=deployed("events/message_boundary"))
    message_correlate(name="UpdateOrder")
    message_correlate(name="UpdateOrder")  # non-interrupting: still listening
    assert _open(instance) == ["Note", "Note", "Work"]
    message_correlate(name="CancelOrder")
    assert _open(instance) == ["Note", "Note", "Refund"]
    assert UserTask.objects.get(instance=instance, element_id="Work").state == "cancelled"
    assert not EventSubscription.objects.filter(instance=instance).exists()
    with pytest.raises(NotFound):
        message_correlate(name="CancelOrder")


def test_a_message_throw_event_starts_the_receiving_process(
    deployed, django_capture_on_commit_callbacks
):
    sender = deployed("events/message_throw", "MessageSender")
    receiver_definition = deployed("events/message_throw", "MessageReceiver")
    with django_capture_on_commit_callbacks(execute=True):
        instance = instance_start(definition=sender)
    assert ProcessInstance.objects.get(pk=instance.pk).state == "completed"
    receiver = ProcessInstance.objects.get(definition=receiver_definition)
    assert _open(receiver) == ["Greet"]


def test_a_thrown_message_with_no_receiver_is_reported_on_the_sender(
    deployed, django_capture_on_commit_callbacks
):
    sender = deployed("events/message_throw", "MessageSender")
    EventSubscription.objects.all().delete()  # nobody listens any more
    with django_capture_on_commit_callbacks(execute=True):
        instance = instance_start(definition=sender)
    event = HistoryEvent.objects.get(instance=instance, event="message_unmatched")
    assert event.element_id == "SayHello"
    assert event.data["name"] == "Hello"


@pytest.mark.django_db(transaction=True)
def test_the_same_message_correlated_twice_at_once_is_consumed_once(deployed):
    instance = instance_start(definition=deployed("events/message_catch"), business_key="k")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def correlate() -> None:
        barrier.wait()
        try:
            message_correlate(name="PaymentReceived", business_key="k")
            outcomes.append("delivered")
        except NotFound:
            outcomes.append("not found")
        finally:
            connection.close()

    threads = [threading.Thread(target=correlate) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["delivered", "not found"]
    assert list(
        UserTask.objects.filter(instance=instance).values_list("element_id", flat=True)
    ) == ["Ship"]
    assert instance.history.filter(event="event_triggered").count() == 1
