"""Issue 3 audit, at run time on PostgreSQL: the bullets the audit found proven only in
the interpreter (or not at all) - a signal end event, the nearest-scope escalation rule
and a decision table with COLLECT SUM and every FEEL unary test form, mapped by
``singleEntry`` and ``singleResult``."""

from __future__ import annotations

from typing import Any

import pytest

from bpmn_engine.models import ProcessInstance, Scope, UserTask
from bpmn_engine.services.deploy import definition_deploy
from bpmn_engine.services.events import signal_broadcast
from bpmn_engine.services.instances import instance_start
from bpmn_engine.services.tasks import task_complete
from tests.conftest import DIAGRAMS

pytestmark = pytest.mark.django_db


def _open(instance: ProcessInstance) -> list[str]:
    return sorted(
        UserTask.objects.filter(instance=instance, state="open").values_list(
            "element_id", flat=True
        )
    )


def _complete(instance: ProcessInstance, element_id: str, user: Any) -> None:
    task = UserTask.objects.get(instance=instance, element_id=element_id, state="open")
    task_complete(task_id=task.pk, user=user)


def test_a_signal_end_event_reaches_waiting_instances_and_signal_starts(
    deployed, django_capture_on_commit_callbacks
):
    closer = deployed("audit/signal_end_event", "AuditCloser")
    waiter = instance_start(definition=deployed("audit/signal_end_event", "AuditWaiter"))
    started_key = "AuditStartedBySignal"
    assert not ProcessInstance.objects.filter(definition__key=started_key).exists()

    with django_capture_on_commit_callbacks(execute=True):
        ended = instance_start(definition=closer)

    assert ProcessInstance.objects.get(pk=ended.pk).state == "completed"
    assert _open(waiter) == ["Archive"]
    started = ProcessInstance.objects.get(definition__key=started_key)
    assert _open(started) == ["Report"]


def test_an_escalation_is_caught_at_the_nearest_scope_and_the_outer_one_goes_on(
    deployed, make_user
):
    boss = make_user("boss", superuser=True)
    instance = instance_start(definition=deployed("audit/escalation_nearest_scope"))
    _complete(instance, "Work", boss)
    assert _open(instance) == ["HandleInside"]
    _complete(instance, "HandleInside", boss)
    assert _open(instance) == ["Done"]  # Outer completed normally: OuterLate never fired
    _complete(instance, "Done", boss)
    assert ProcessInstance.objects.get(pk=instance.pk).state == "completed"


@pytest.mark.parametrize(
    ("amount", "tier", "fee", "review"),
    [
        (100, "bronze", 5 + 3, {"level": "low", "reviewer": "clerk"}),
        (500, "silver", 10 + 3 + 1, {"level": "low", "reviewer": "clerk"}),
        (1000, "gold", 10 + 1, {"level": "high", "reviewer": "manager"}),
        (2000, "gold", 20 + 1, {"level": "high", "reviewer": "manager"}),
    ],
)
def test_a_collect_sum_table_and_a_single_result_are_mapped_into_variables(
    load_diagram, amount, tier, fee, review
):
    result = definition_deploy(
        data=load_diagram("audit/fees"),
        filename="fees.bpmn",
        extra_files=[("fees.dmn", (DIAGRAMS / "audit" / "fees.dmn").read_bytes())],
    )
    assert result.warnings == []
    instance = instance_start(
        definition=result.definitions[0], variables={"amount": amount, "tier": tier}
    )
    variables = Scope.objects.get(instance=instance, parent_id__isnull=True).variables
    assert (variables["fee"], variables["review"]) == (fee, review)
    task = UserTask.objects.get(instance=instance)
    assert (task.element_id, task.assignee) == ("Check", review["reviewer"])


def test_a_zeebe_io_mapping_and_feel_assignee_run_on_the_database(deployed, make_user):
    instance = instance_start(
        definition=deployed("audit/zeebe_io_mapping"), variables={"name": "ann", "owner": "carol"}
    )
    task = UserTask.objects.get(instance=instance, state="open")
    assert (task.element_id, task.assignee) == ("Review", "carol")
    task_complete(task_id=task.pk, user=make_user("carol"), variables={"approved": False})
    variables = Scope.objects.get(instance=instance, parent_id__isnull=True).variables
    assert {k: variables[k] for k in ("loud", "verdict")} == {"loud": "ANN!", "verdict": "no"}
    assert "shout" not in variables  # inputs stay local to the task
    assert _open(instance) == ["Done"]


def test_a_zeebe_called_decision_stores_the_decisions_own_value(load_diagram):
    """Camunda 8 has no mapDecisionResult: the COLLECT SUM table gives its number and the
    two-output UNIQUE table a dict, which the FEEL assignee then reads."""
    result = definition_deploy(
        data=load_diagram("audit/zeebe_called_decision"),
        filename="zeebe_called_decision.bpmn",
        extra_files=[("fees.dmn", (DIAGRAMS / "audit" / "fees.dmn").read_bytes())],
    )
    assert result.warnings == []
    instance = instance_start(
        definition=result.definitions[0], variables={"amount": 2000, "tier": "bronze"}
    )
    variables = Scope.objects.get(instance=instance, parent_id__isnull=True).variables
    assert variables["fee"] == 20 + 3
    assert variables["review"] == {"level": "high", "reviewer": "manager"}
    assert UserTask.objects.get(instance=instance).assignee == "manager"


def test_a_none_intermediate_throw_passes_and_is_recorded(deployed):
    instance = instance_start(definition=deployed("audit/none_throw"))
    assert _open(instance) == ["Ship"]
    assert instance.history.filter(element_id="Milestone").exists()


def test_a_non_interrupting_signal_boundary_fires_per_signal_and_keeps_the_task(deployed):
    instance = instance_start(definition=deployed("audit/signal_boundary_non_interrupting"))
    for _ in range(2):
        signal_broadcast(name="AuditPriceUpdate")
    assert _open(instance) == ["Quote", "Recheck", "Recheck"]


def test_a_call_activity_passes_on_the_callers_own_business_key(deployed):
    """Camunda's ``businessKey="#{execution.processBusinessKey}"``: ``execution`` is not a
    variable, so it used to park the call activity with an unknown-variable incident."""
    deployed("audit/call_parent_business_key", "AuditCalledChild")
    parent = instance_start(
        definition=deployed("audit/call_parent_business_key", "AuditCallerKey"),
        business_key="ORDER-7",
    )
    child = ProcessInstance.objects.get(parent=parent)
    assert (child.business_key, _open(child)) == ("ORDER-7", ["ChildWork"])
    assert not parent.incidents.exists()


def _call_review(deployed: Any, make_user: Any, verdict: str) -> tuple[Any, Any]:
    deployed("audit/call_error_boundary", "AuditErrorChild")
    parent = instance_start(definition=deployed("audit/call_error_boundary", "AuditErrorCaller"))
    child = ProcessInstance.objects.get(parent=parent)
    _complete_with(child, "Review", make_user("rita", superuser=True), {"verdict": verdict})
    parent.refresh_from_db()
    child.refresh_from_db()
    return parent, child


def _complete_with(instance: ProcessInstance, element_id: str, user: Any, variables: Any) -> None:
    task = UserTask.objects.get(instance=instance, element_id=element_id, state="open")
    task_complete(task_id=task.pk, user=user, variables=variables)


def test_an_error_uncaught_in_the_called_process_is_caught_on_the_call_activity(
    deployed, make_user
):
    parent, child = _call_review(deployed, make_user, "reject")
    assert _open(parent) == ["Rework"]
    assert child.state == ProcessInstance.State.CANCELLED
    assert (parent.open_incidents, child.open_incidents) == (0, 0)


def test_the_callers_boundary_gets_the_code_and_message_of_the_childs_error(deployed, make_user):
    """``errorCodeVariable`` / ``errorMessageVariable`` on the call activity's boundary
    receive the code and the ``camunda:errorMessage`` of the error the child threw."""
    deployed("audit/call_error_variables", "AuditErrorVarsChild")
    parent = instance_start(
        definition=deployed("audit/call_error_variables", "AuditErrorVarsCaller")
    )
    child = ProcessInstance.objects.get(parent=parent)
    _complete_with(child, "Review", make_user("rita", superuser=True), {"verdict": "reject"})
    assert _open(parent) == ["Rework"]
    root = Scope.objects.get(instance=parent, parent_id__isnull=True)
    assert root.variables == {
        "caughtCode": "REJECTED",
        "caughtMessage": "The reviewer rejected the order",
    }


def test_an_error_the_caller_cannot_catch_stays_an_incident_on_the_child(deployed, make_user):
    parent, child = _call_review(deployed, make_user, "broken")
    assert child.state == ProcessInstance.State.ACTIVE
    assert child.open_incidents == 1
    assert _open(parent) == []  # still waiting in the call activity
    assert parent.state == ProcessInstance.State.ACTIVE


def test_a_called_process_that_ends_normally_returns_as_before(deployed, make_user):
    parent, child = _call_review(deployed, make_user, "ok")
    assert child.state == ProcessInstance.State.COMPLETED
    assert _open(parent) == ["Accepted"]


def test_an_error_thrown_while_the_caller_starts_it_is_caught_by_an_enclosing_scope(deployed):
    """The child throws inside the caller's own step (no wait state): the error is queued
    and thrown after that step, where the catch-all boundary around the subprocess
    holding the call activity catches it."""
    deployed("audit/call_error_at_once", "AuditErrorAtOnceChild")
    parent = instance_start(
        definition=deployed("audit/call_error_at_once", "AuditErrorAtOnceCaller")
    )
    parent.refresh_from_db()
    child = ProcessInstance.objects.get(parent=parent)
    assert _open(parent) == ["Restock"]
    assert child.state == ProcessInstance.State.CANCELLED
    assert (parent.open_incidents, child.open_incidents) == (0, 0)


@pytest.mark.parametrize(
    ("table", "expected"), [("fees", 5 + 3), ("review", {"level": "low", "reviewer": "clerk"})]
)
def test_a_feel_decision_id_picks_the_decision_per_instance(load_diagram, table, expected):
    result = definition_deploy(
        data=load_diagram("audit/zeebe_called_decision_feel"),
        filename="zeebe_called_decision_feel.bpmn",
        extra_files=[("fees.dmn", (DIAGRAMS / "audit" / "fees.dmn").read_bytes())],
    )
    assert result.warnings == []  # a FEEL id is checked when it runs, not at deploy
    instance = instance_start(
        definition=result.definitions[0],
        variables={"table": table, "amount": 100, "tier": "bronze"},
    )
    variables = Scope.objects.get(instance=instance, parent_id__isnull=True).variables
    assert variables["result"] == expected


def test_an_error_from_one_multi_instance_ends_every_instance_on_the_database(deployed, make_user):
    instance = instance_start(
        definition=deployed("audit/error_from_multi_instance"), variables={"items": [1, 2, 3]}
    )
    inspections = UserTask.objects.filter(instance=instance, element_id="Inspect")
    assert inspections.filter(state="open").count() == 3
    boss = make_user("boss", superuser=True)
    task_complete(task_id=inspections.order_by("pk")[1].pk, user=boss, variables={"ok": False})
    assert _open(instance) == ["Reject"]
    instance.refresh_from_db()
    assert instance.open_incidents == 0
