"""Request limits: writes are throttled (429), oversized upload requests are refused
from their Content-Length (413), and an unexpected error is a 500 problem."""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from bpmn_engine.api.exceptions import PROBLEM_CONTENT_TYPE, problem_exception_handler
from bpmn_engine.models import Deployment
from tests.bpmn_engine.api.helpers import assert_problem

pytestmark = pytest.mark.django_db


def test_writes_over_the_rate_get_429_while_reads_go_on(api, deployed, make_user, settings):
    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"writes": "2/min"},
    }
    deployed("services/user_task")
    client = api(make_user("alice"))
    url = "/api/v1/process-definitions/key/user_task/start"
    assert [client.post(url, {}, format="json").status_code for _ in range(2)] == [201, 201]
    throttled = client.post(url, {}, format="json")
    body = assert_problem(throttled, 429)
    assert "throttled" in body["detail"].lower() and throttled["Retry-After"]
    assert client.get("/api/v1/tasks").status_code == 200
    cache.clear()


def test_an_upload_request_over_the_cap_is_413_before_it_is_read(api, make_user, settings):
    settings.BPMN_ENGINE = {**settings.BPMN_ENGINE, "MAX_UPLOAD_BYTES": 100}
    user = make_user("dora")
    user.user_permissions.add(Permission.objects.get(codename="add_deployment"))
    response = api(user).post(
        "/api/v1/deployments",
        {"file": SimpleUploadedFile("big.bpmn", b"x" * 1000)},
        format="multipart",
    )
    body = assert_problem(response, 413)
    assert "the limit is 400" in body["detail"]
    assert not Deployment.objects.exists()


def test_an_unexpected_error_is_a_500_problem_that_reveals_nothing(caplog):
    with caplog.at_level(logging.ERROR, logger="bpmn_engine.api.exceptions"):
        response = problem_exception_handler(RuntimeError("secret detail"), {"view": None})
    assert response is not None and response.status_code == 500
    assert response.content_type == PROBLEM_CONTENT_TYPE
    assert response.data["type"] == "urn:baton:problem:server-error"
    assert "secret" not in response.data["detail"]
    assert "secret detail" in caplog.text


def test_a_date_filter_with_an_odd_offset_is_compared_in_utc(api, make_user):
    """Found by schemathesis: PostgreSQL refused the -20:22 offset (a 500)."""
    client = api(make_user("ops", superuser=True))
    response = client.get("/api/v1/process-instances?startedAfter=1895-12-27T07:39:41-20:22")
    assert response.status_code == 200, response.content
    assert response.json()["count"] == 0
