"""Cyclic call activities (issue 6, hostile input 16): refused at deploy, or stopped.

A cycle of calls with nothing between them that waits or chooses can never work (every
start recurses in one transaction), so it is refused at deploy, naming the call that
closes it, whether both keys are in the file or one is already deployed. Recursion
behind a condition deploys (it is legitimate in general); when it does not stop, the
call depth limit stops it with an incident, and nothing else is harmed.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from bpmn_engine.models import Incident, ProcessDefinition, ProcessInstance
from bpmn_engine.services.call_queries import instance_call_incidents
from bpmn_engine.services.calls import MAX_CALL_DEPTH
from bpmn_engine.services.deploy import DeployError, definition_deploy

pytestmark = [pytest.mark.durability, pytest.mark.django_db(transaction=True)]


def _refused(load_diagram, name: str) -> DeployError:
    with pytest.raises(DeployError) as refused:
        definition_deploy(data=load_diagram(name), filename=f"{name}.bpmn")
    return refused.value


def test_a_call_cycle_within_one_file_is_refused_at_deploy_naming_each_call(load_diagram, db):
    error = _refused(load_diagram, "durability/call_cycle_one_file")
    by_element = {issue.element_id: issue for issue in error.issues}
    assert set(by_element) == {"CallB", "CallA"}
    assert "(CycleA -> CycleB -> CycleA)" in by_element["CallB"].message
    assert "(CycleB -> CycleA -> CycleB)" in by_element["CallA"].message
    assert by_element["CallB"].line == 8 and by_element["CallA"].line == 17
    assert error.filename == "durability/call_cycle_one_file.bpmn"
    assert not ProcessDefinition.objects.exists(), "nothing of the file was stored"


def test_the_api_refuses_a_call_cycle_with_400_and_the_line_of_each_call(load_diagram, make_user):
    client = APIClient()
    client.force_authenticate(make_user("deployer", superuser=True))
    data = load_diagram("durability/call_cycle_one_file")
    upload = SimpleUploadedFile("cycle.bpmn", data)
    response = client.post("/api/v1/deployments", {"file": upload}, format="multipart")
    assert response.status_code == 400, response.content
    issues = {i["elementId"]: i for i in response.json()["issues"]}
    assert (issues["CallB"]["line"], issues["CallA"]["line"]) == (8, 17)
    assert "CycleA -> CycleB -> CycleA" in issues["CallB"]["message"]


def test_a_call_back_to_an_already_deployed_process_is_refused_at_deploy(load_diagram, db):
    first = definition_deploy(
        data=load_diagram("durability/call_back_deployed_first"), filename="first.bpmn"
    )
    assert any("'CallsBackA', which is not deployed" in w for w in first.warnings)
    error = _refused(load_diagram, "durability/call_back_closing")
    [issue] = error.issues
    assert issue.element_id == "CallB"
    assert "(CallsBackA -> CallsBackB -> CallsBackA)" in issue.message
    assert not ProcessDefinition.objects.filter(key="CallsBackA").exists()


def test_recursion_behind_a_condition_deploys_and_stops_at_the_call_depth_with_an_incident(
    deployed, make_user
):
    definition = deployed("durability/call_recursion_conditional")
    client = APIClient()
    client.force_authenticate(make_user("starter"))
    response = client.post(f"/api/v1/process-definitions/{definition.pk}/start", {}, format="json")
    assert response.status_code == 201, response.content
    top = ProcessInstance.objects.get(pk=response.json()["id"])
    chain = ProcessInstance.objects.filter(definition=definition)
    assert chain.count() == MAX_CALL_DEPTH + 1, "the caller and 32 nested calls, no more"
    incident = Incident.objects.get(state=Incident.State.OPEN)
    deepest = incident.instance
    assert (incident.element_id, deepest.parent is not None) == ("CallSelf", True)
    assert f"calls nested deeper than {MAX_CALL_DEPTH}" in incident.message
    assert [i.pk for i in instance_call_incidents(instance=top)] == [incident.pk]
    assert set(chain.values_list("state", flat=True)) == {"active"}
    again = client.post(f"/api/v1/process-definitions/{definition.pk}/start", {}, format="json")
    assert again.status_code == 201, "the web process stays healthy"
