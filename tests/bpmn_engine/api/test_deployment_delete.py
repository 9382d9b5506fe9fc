"""Deployment upload with DMN files, and deletion (409 while instances run, unless cascade)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from bpmn_engine.models import DecisionDefinition, Deployment, ProcessInstance, UserTask
from bpmn_engine.services.instances import instance_start
from bpmn_engine.services.tasks import task_complete
from tests.bpmn_engine.api.helpers import assert_problem

pytestmark = pytest.mark.django_db
URL = "/api/v1/deployments"


@pytest.fixture
def deployer(make_user):
    user = make_user("dora")
    user.user_permissions.add(Permission.objects.get(codename="add_deployment"))
    return user


def test_dmn_files_are_deployed_with_the_diagram(api, deployer, load_diagram):
    response = api(deployer).post(
        URL,
        {
            "file": SimpleUploadedFile("dinner.bpmn", load_diagram("dmn/dinner")),
            "decisions": [SimpleUploadedFile("dish.dmn", (_dmn("dish")))],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert set(DecisionDefinition.objects.values_list("key", flat=True)) == {"dish", "beverages"}


def test_a_bad_dmn_file_refuses_the_whole_upload(api, deployer, load_diagram):
    response = api(deployer).post(
        URL,
        {
            "file": SimpleUploadedFile("dinner.bpmn", load_diagram("dmn/dinner")),
            "decisions": [SimpleUploadedFile("bad.dmn", _dmn("bad"))],
        },
        format="multipart",
    )
    assert_problem(response, 400)
    assert not Deployment.objects.exists()


def test_delete_is_refused_while_instances_run_unless_cascade(api, deployer, deployed):
    definition = deployed("services/user_task")
    running = instance_start(definition=definition, variables={"reviewer": "dora"})
    ended = instance_start(definition=definition, variables={"reviewer": "dora"})
    task_complete(task_id=UserTask.objects.get(instance=ended).pk, user=deployer, variables={})
    client = api(deployer)
    url = f"{URL}/{definition.deployment_id}"
    refused = assert_problem(client.delete(url), 409, "conflict")
    assert "has 1 running instance(s)" in refused["detail"]
    assert ProcessInstance.objects.filter(pk=running.pk).exists()
    assert client.delete(f"{url}?cascade=true").status_code == 204
    assert not Deployment.objects.exists() and not ProcessInstance.objects.exists()
    assert_problem(client.delete(url), 404)


def test_delete_needs_the_deploy_permission(api, make_user, deployed):
    definition = deployed("services/user_task")
    response = api(make_user("alice")).delete(f"{URL}/{definition.deployment_id}")
    assert_problem(response, 403)
    assert Deployment.objects.exists()


def _dmn(name: str) -> bytes:
    from pathlib import Path

    return (Path(__file__).resolve().parents[2] / "diagrams" / "dmn" / f"{name}.dmn").read_bytes()
