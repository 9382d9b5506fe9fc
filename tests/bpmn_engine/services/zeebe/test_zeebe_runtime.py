"""Runtime (PostgreSQL) checks of Zeebe extensions: ``zeebe:ioMapping`` on a user task
(inputs in the task's own scope row, outputs in the process scope) and a Zeebe
multi-instance whose FEEL collection, output and completion condition run through real
task completions."""

from __future__ import annotations

from typing import Any

import pytest

from bpmn_engine.models import EventSubscription, ProcessInstance, Scope, UserTask
from bpmn_engine.services.errors import NotFound
from bpmn_engine.services.events import message_correlate
from bpmn_engine.services.instances import instance_start
from bpmn_engine.services.tasks import task_complete

pytestmark = pytest.mark.django_db


def _root(instance: ProcessInstance) -> dict[str, Any]:
    return dict(Scope.objects.get(instance=instance, parent_id__isnull=True).variables)


def _open(instance: ProcessInstance) -> list[UserTask]:
    return list(UserTask.objects.filter(instance=instance, state="open").order_by("pk"))


def test_zeebe_io_mapping_runs_its_feel_inputs_and_outputs(deployed: Any, make_user: Any) -> None:
    admin = make_user("admin", superuser=True)
    order = {"customer": "acme", "lines": [600, 500]}
    instance = instance_start(
        definition=deployed("zeebe/io_mapping_review"), variables={"order": order}
    )
    [review] = _open(instance)
    local = Scope.objects.get(instance=instance, parent_id__isnull=False).variables
    assert local == {"customer": "ACME", "large": True, "queue": "standard"}

    task_complete(task_id=review.pk, user=admin, variables={"approved": True})
    assert [t.element_id for t in _open(instance)] == ["Ship"]
    root = _root(instance)
    assert (root["outcome"], root["reviewed"], root["Approval Level"]) == (
        "accepted",
        {"customer": "ACME", "large": True},
        "board",
    )
    assert "queue" not in root


def test_a_zeebe_multi_instance_completes_on_its_feel_condition(
    deployed: Any, make_user: Any
) -> None:
    admin = make_user("admin", superuser=True)
    instance = instance_start(
        definition=deployed("zeebe/mi_feel_review"), variables={"reviewers": ["ann", "bob"]}
    )
    first, _ = _open(instance)
    task_complete(task_id=first.pk, user=admin, variables={"approved": False})
    assert [t.element_id for t in _open(instance)] == ["Decide"]
    assert _root(instance)["reviews"] == [{"who": "ann", "approved": False}, None]


def test_a_message_catch_event_with_an_output_mapping_takes_its_message(deployed: Any) -> None:
    instance = instance_start(definition=deployed("zeebe/io_mapping_message_catch"))
    message_correlate(name="Paid", variables={"amount": 21})
    assert [t.element_id for t in _open(instance)] == ["Close"]
    assert _root(instance) == {"amount": 21, "doubled": 42}
    assert not EventSubscription.objects.filter(instance=instance).exists()


def test_a_zeebe_correlation_key_picks_the_waiting_instance(deployed: Any) -> None:
    """``zeebe:subscription correlationKey`` is evaluated when each subscription opens and
    stored on it; ``message_correlate`` matches it with the message's key (its business
    key), not the instance's business key, and never without a key."""
    definition = deployed("zeebe/subscription_correlation_key")
    first = instance_start(definition=definition, variables={"order": {"id": 1}})
    second = instance_start(definition=definition, business_key="7", variables={"order": {"id": 2}})
    assert EventSubscription.objects.get(instance=second).correlation == {"key": "2"}

    with pytest.raises(NotFound):
        message_correlate(name="Paid")
    with pytest.raises(NotFound):
        message_correlate(name="Paid", business_key="7")
    result = message_correlate(name="Paid", business_key="2", variables={"paid": True})
    assert (result.instance.pk, result.element_id) == (second.pk, "WaitPaid")
    assert EventSubscription.objects.get(instance=second).correlation == {"key": "1002"}
    assert EventSubscription.objects.get(instance=first).correlation == {"key": "1"}

    message_correlate(name="Shipped", business_key="1002")
    assert [t.element_id for t in _open(second)] == ["Close"]
    assert _open(first) == []
