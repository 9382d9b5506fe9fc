"""The OpenAPI document: valid, warning-free, and served to signed-in users."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]


def test_the_generated_schema_validates_without_warnings(tmp_path):
    """``spectacular --validate --fail-on-warn`` in a fresh process, as CI would run it."""
    out = tmp_path / "schema.yaml"
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "spectacular",
            "--validate",
            "--fail-on-warn",
            "--file",
            str(out),
        ],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    schema = out.read_text()
    for path in (
        "/api/v1/deployments:",
        "/api/v1/process-definitions/key/{key}/start:",
        "/api/v1/process-instances/{id}/variables:",
        "/api/v1/tasks/{id}/complete:",
        "/api/v1/incidents/{id}/retry:",
        "/api/v1/history-events:",
    ):
        assert path in schema
    assert "application/problem+json" in schema


@pytest.mark.django_db
def test_schema_and_docs_need_sign_in(api, make_user):
    assert api().get("/api/schema/").status_code == 401
    client = api(make_user("reader"))
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == settings.SPECTACULAR_SETTINGS["TITLE"]
    assert client.get("/api/docs/").status_code == 200
    assert client.get("/api/redoc/").status_code == 200


@pytest.mark.django_db
def test_an_unknown_api_path_is_a_problem_404(api, make_user):
    from tests.bpmn_engine.api.helpers import assert_problem

    assert_problem(api(make_user("reader")).get("/api/v1/nothing/here"), 404, "not-found")
