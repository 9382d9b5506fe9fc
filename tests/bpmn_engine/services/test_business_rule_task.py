"""Business rule tasks evaluate DMN decisions deployed with (or after) their BPMN file."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from bpmn_engine.models import (
    DecisionDefinition,
    Deployment,
    Incident,
    Job,
    ProcessInstance,
    Scope,
    UserTask,
)
from bpmn_engine.services.deploy import DeployError, definition_deploy
from bpmn_engine.services.instances import instance_start
from bpmn_engine.services.jobs import incident_retry, job_execute
from tests.conftest import DIAGRAMS

pytestmark = pytest.mark.django_db


def _dmn(name: str) -> tuple[str, bytes]:
    return (f"{name}.dmn", (DIAGRAMS / "dmn" / f"{name}.dmn").read_bytes())


def _deploy(load_diagram, bpmn: str, *dmn: str):
    return definition_deploy(
        data=load_diagram(f"dmn/{bpmn}"),
        filename=f"{bpmn}.bpmn",
        extra_files=[_dmn(name) for name in dmn],
    )


def _variables(instance: ProcessInstance) -> dict[str, Any]:
    return Scope.objects.get(instance=instance, parent_id__isnull=True).variables


def test_decisions_deploy_with_the_bpmn_and_results_are_mapped_into_variables(load_diagram):
    result = _deploy(load_diagram, "dinner", "dish")
    assert result.warnings == []
    assert sorted((d.key, d.version, d.filename) for d in result.decisions) == [
        ("beverages", 1, "dish.dmn"),
        ("dish", 1, "dish.dmn"),
    ]
    assert all(d.deployment == result.deployment for d in result.decisions)

    instance = instance_start(
        definition=result.definitions[0],
        variables={"season": "Fall", "guestCount": 4, "guestsWithChildren": True},
    )

    variables = _variables(instance)
    assert variables["dish"] == "Spareribs"  # singleEntry of the UNIQUE table
    # collectEntries of the COLLECT table, which required the dish decision first
    assert variables["beverages"] == ["Aecht Schlenkerla Rauchbier", "Apple Juice", "Water"]
    assert variables["menu"] == [  # resultList, the default mapping
        {"beverage": "Aecht Schlenkerla Rauchbier"},
        {"beverage": "Apple Juice"},
        {"beverage": "Water"},
    ]
    assert UserTask.objects.get(instance=instance).element_id == "serve"


def test_identical_bpmn_and_dmn_make_no_new_version_but_a_changed_dmn_does(load_diagram):
    first = _deploy(load_diagram, "dinner", "dish")
    again = _deploy(load_diagram, "dinner", "dish")
    assert not again.created
    assert again.deployment == first.deployment
    assert {d.pk for d in again.decisions} == {d.pk for d in first.decisions}

    changed = _deploy(load_diagram, "dinner", "dish_v11")
    assert changed.created
    assert [(d.key, d.version) for d in changed.decisions] == [("dish", 2)]
    assert DecisionDefinition.objects.filter(key="dish").count() == 2


def test_a_missing_decision_warns_at_deploy_and_is_an_incident_until_it_is_deployed(
    load_diagram,
):
    result = _deploy(load_diagram, "missing_decision")
    assert result.warnings == [
        "warning: line 6, element 'decide': decision 'approval' is not deployed (yet)"
    ]
    instance = instance_start(definition=result.definitions[0], variables={"amount": 100})
    incident = Incident.objects.get(instance=instance)
    assert incident.element_id == "decide"
    assert incident.message == ("Business rule task 'decide': decision 'approval' is not deployed")

    _deploy(load_diagram, "approval", "overlap")  # brings decision 'approval'
    incident_retry(incident_id=incident.pk)

    instance.refresh_from_db()
    assert instance.state == "completed"
    assert not Incident.objects.filter(instance=instance, state=Incident.State.OPEN).exists()


def test_a_unique_table_with_two_matching_rules_raises_an_incident_naming_them(load_diagram):
    definition = _deploy(load_diagram, "approval", "overlap").definitions[0]

    fine = instance_start(definition=definition, variables={"amount": 300})
    assert _variables(fine)["result"] == {"level": "manager"}  # singleResult

    clash = instance_start(definition=definition, variables={"amount": 1000})
    incident = Incident.objects.get(instance=clash)
    assert incident.element_id == "decide_level"
    assert incident.message == (
        "Business rule task 'decide_level' failed: Decision 'approval' has hit policy "
        "UNIQUE but 2 rules match: 'medium', 'large'"
    )
    assert "result" not in _variables(clash)


def test_an_unknown_input_variable_is_an_incident(load_diagram):
    definition = _deploy(load_diagram, "approval", "overlap").definitions[0]
    instance = instance_start(definition=definition, variables={})
    incident = Incident.objects.get(instance=instance)
    assert incident.message == (
        "Business rule task 'decide_level' failed: Decision 'approval': input 'Amount' "
        "failed: Unknown variable 'amount'"
    )


def test_version_binding_pins_a_version_while_latest_follows_new_deployments(load_diagram):
    _deploy(load_diagram, "dinner", "dish")  # dish v1: UNIQUE table, Fall + 4 -> Spareribs
    pinned = _deploy(load_diagram, "pinned_version", "dish_v11")  # dish v2: Fall -> Stew
    assert [(d.key, d.version) for d in pinned.decisions] == [("dish", 2)]

    instance = instance_start(
        definition=pinned.definitions[0], variables={"season": "Fall", "guestCount": 4}
    )
    variables = _variables(instance)
    assert (variables["first"], variables["latest"]) == ("Spareribs", "Stew")


def test_a_business_rule_task_with_an_external_topic_runs_like_a_service_task(load_diagram):
    definition = _deploy(load_diagram, "rule_class").definitions[0]
    instance = instance_start(definition=definition, variables={"input": 7})
    job = Job.objects.get(instance=instance)
    assert (job.element_id, job.topic, job.executor) == ("rules", "test-echo", "celery")

    assert job_execute(job_id=job.pk) == "completed"

    instance.refresh_from_db()
    assert instance.state == "completed"


def test_a_broken_dmn_file_refuses_the_whole_deployment_with_its_lines(load_diagram):
    with pytest.raises(DeployError) as refused:
        _deploy(load_diagram, "dinner", "dish", "bad")
    assert refused.value.filename == "bad.dmn"
    message = str(refused.value)
    assert "bad.dmn:4: [broken] unknown hitPolicy 'SOMETIMES'" in message
    assert "bad.dmn:10: [r1] input entry 1: a range must end with ']', '[' or ')'" in message
    assert "bad.dmn:26: [loop_b] decision 'loop_b' is part of a requirement cycle" in message
    assert not Deployment.objects.exists()
    assert not DecisionDefinition.objects.exists()


def test_the_same_decision_id_in_two_files_of_one_deployment_is_refused(load_diagram):
    with pytest.raises(DeployError, match=r"decision 'dish' is also defined in dish\.dmn"):
        _deploy(load_diagram, "dinner", "dish", "dish_v11")


def test_bad_decision_bindings_are_deploy_errors(load_diagram):
    with pytest.raises(DeployError) as refused:
        _deploy(load_diagram, "bad_binding", "dish")
    message = str(refused.value)
    assert "[decide] camunda:mapDecisionResult 'firstOne' is not one of" in message
    assert 'decisionRefBinding="version" needs camunda:decisionRefVersion' in message


def test_manage_py_deploy_takes_dmn_files_after_their_bpmn_file():
    out = StringIO()
    bpmn = DIAGRAMS / "dmn" / "dinner.bpmn"
    call_command("deploy", str(bpmn), str(DIAGRAMS / "dmn" / "dish.dmn"), stdout=out)
    assert "deployed (dinner v1, decision dish v1, decision beverages v1)" in out.getvalue()

    with pytest.raises(CommandError, match="a DMN file must follow the BPMN file"):
        call_command("deploy", str(DIAGRAMS / "dmn" / "dish.dmn"), stdout=StringIO())
