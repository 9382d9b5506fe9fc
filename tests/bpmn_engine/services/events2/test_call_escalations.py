"""An escalation a called instance does not catch is thrown on its call activity in the
caller (services/call_escalations.py), before the call returns."""

from __future__ import annotations

import pytest

from bpmn_engine.models import ProcessInstance, UserTask
from bpmn_engine.services.instances import instance_start
from bpmn_engine.services.tasks import task_complete

pytestmark = pytest.mark.django_db


def _open(instance: ProcessInstance) -> list[str]:
    return sorted(
        UserTask.objects.filter(instance=instance, state="open").values_list(
            "element_id", flat=True
        )
    )


def test_an_escalation_end_in_the_child_fires_the_non_interrupting_boundary_then_returns(
    deployed,
):
    caller = instance_start(definition=deployed("events2/escalation_call_end", "EscalatingCaller"))
    child = ProcessInstance.objects.get(parent=caller)
    assert child.state == "completed"
    assert _open(caller) == ["AfterCall", "Apologise"]
    escalated = caller.history.get(event="call_escalated")
    assert (escalated.element_id, escalated.data) == (
        "CallChecker",
        {"child_id": child.pk, "code": "LATE"},
    )
    assert child.history.filter(event="escalation_uncaught", element_id="IsLate").count() == 1


def test_an_interrupting_boundary_on_the_call_activity_cancels_the_escalating_child(
    deployed, make_user
):
    caller = instance_start(
        definition=deployed("events2/escalation_call_interrupting", "BudgetCaller")
    )
    child = ProcessInstance.objects.get(parent=caller)
    plan = UserTask.objects.get(instance=child, element_id="Plan")
    task_complete(task_id=plan.pk, user=make_user("boss", superuser=True))
    child.refresh_from_db()
    assert child.state == "cancelled", "the interrupted call activity cancels its child"
    assert _open(child) == []
    assert _open(caller) == ["ApproveBudget"]
    assert not caller.history.filter(event="event_triggered", element_id="OtherNoticed").exists()


def test_an_escalation_of_a_top_level_instance_nobody_catches_has_no_effect(deployed):
    """Started on its own, the child's uncaught escalation only leaves a history row."""
    child = instance_start(definition=deployed("events2/escalation_call_end", "LateChecker"))
    child.refresh_from_db()
    assert child.state == "completed"
    assert child.open_incidents == 0
    assert child.history.filter(event="escalation_uncaught").count() == 1
