"""Deployments: upload (multipart), list, get, XML; deploying needs add_deployment."""

from __future__ import annotations

import base64

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from bpmn_engine.models import Deployment
from tests.bpmn_engine.api.helpers import assert_problem

pytestmark = pytest.mark.django_db
URL = "/api/v1/deployments"


@pytest.fixture
def deployer(make_user):
    user = make_user("dora")
    user.user_permissions.add(Permission.objects.get(codename="add_deployment"))
    return user


def upload(client, data: bytes, name: str = "user_task.bpmn"):
    return client.post(URL, {"file": SimpleUploadedFile(name, data)}, format="multipart")


def test_upload_creates_a_deployment_with_its_definitions(api, deployer, load_diagram):
    response = upload(api(deployer), load_diagram("services/two_processes"), "two.bpmn")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["created"] is True
    assert body["filename"] == "two.bpmn" and body["deployedBy"] == "dora"
    assert {(d["key"], d["version"], d["isExecutable"]) for d in body["definitions"]} == {
        ("buyer", 1, True),
        ("seller", 1, False),
    }


def test_identical_content_returns_the_existing_deployment_with_200(api, deployer, load_diagram):
    client = api(deployer)
    first = upload(client, load_diagram("services/user_task")).json()
    again = upload(client, load_diagram("services/user_task"))
    assert again.status_code == 200
    assert again.json()["created"] is False and again.json()["id"] == first["id"]
    assert Deployment.objects.count() == 1


def test_deploying_without_the_permission_is_refused(api, make_user, load_diagram):
    response = upload(api(make_user("eve")), load_diagram("services/user_task"))
    body = assert_problem(response, 403, "permission-denied")
    assert "bpmn_engine.add_deployment" in body["detail"]
    assert Deployment.objects.count() == 0


def test_a_broken_diagram_lists_every_issue_with_line_and_element(api, deployer, load_diagram):
    response = upload(api(deployer), load_diagram("parser/structural_errors"), "broken.bpmn")
    body = assert_problem(response, 400, "deploy-refused")
    assert "broken.bpmn" in body["detail"]
    issues = body["issues"]
    assert len(issues) > 1
    assert all(set(i) == {"message", "line", "column", "elementId"} for i in issues)
    dangling = next(i for i in issues if i["elementId"] == "Flow_Dangling")
    assert dangling["line"] and "Nowhere" in dangling["message"]


def test_malformed_xml_reports_line_and_column(api, deployer):
    data = b'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">\n</definitio>'
    [issue] = assert_problem(upload(api(deployer), data), 400, "deploy-refused")["issues"]
    assert issue["line"] == 2 and issue["column"]


def test_an_upload_without_a_file_is_a_field_error(api, deployer):
    response = api(deployer).post(URL, {"name": "x"}, format="multipart")
    body = assert_problem(response, 400, "validation-error")
    assert [e["field"] for e in body["errors"]] == ["file"]


def test_an_upload_over_the_limit_is_413(api, deployer, load_diagram, settings):
    """A file one byte over the per-file limit (the request itself is under its cap)."""
    data = load_diagram("services/user_task")
    limit = len(data) - 1
    settings.BPMN_ENGINE = {**settings.BPMN_ENGINE, "MAX_UPLOAD_BYTES": limit}
    body = assert_problem(upload(api(deployer), data), 413)
    assert f"The file is {len(data)} bytes; the limit is {limit}." == body["detail"]


def test_list_get_and_xml(api, deployed, make_user, load_diagram):
    deployment_id = deployed("services/user_task").deployment_id
    client = api(make_user("reader"))
    listing = client.get(URL).json()
    assert listing["count"] == 1 and listing["results"][0]["id"] == deployment_id
    assert client.get(f"{URL}/{deployment_id}").json()["definitions"][0]["key"] == "user_task"
    xml = client.get(f"{URL}/{deployment_id}/xml")
    assert xml.status_code == 200
    assert xml["Content-Type"].startswith("application/xml")
    assert xml.content == load_diagram("services/user_task")


def test_an_unknown_deployment_is_a_404_problem_also_for_its_xml(api, make_user):
    client = api(make_user("reader"))
    assert_problem(client.get(f"{URL}/999"), 404, "not-found")
    assert_problem(client.get(f"{URL}/999/xml"), 404, "not-found")


def test_anonymous_callers_get_401_with_a_basic_challenge(api, db):
    response = api().get(URL)
    assert_problem(response, 401, "not-authenticated")
    assert response["WWW-Authenticate"].startswith("Basic")


def test_basic_authentication_signs_in(api, make_user):
    make_user("basil")
    client = api()
    token = base64.b64encode(b"basil:basil-pw").decode()
    client.credentials(HTTP_AUTHORIZATION=f"Basic {token}")
    assert client.get(URL).status_code == 200
    client.credentials(HTTP_AUTHORIZATION="Basic " + base64.b64encode(b"basil:nope").decode())
    assert_problem(client.get(URL), 401, "authentication-failed")
