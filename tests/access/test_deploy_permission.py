"""Deploying without the deploy permission gets 403 (issue 6, access 21): through the API
(upload and delete) and the admin's upload page; nothing is deployed. A diagram is code,
so ``bpmn_engine.add_deployment`` is needed even by staff."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from bpmn_engine.models import Deployment

pytestmark = pytest.mark.django_db

DIAGRAM = Path(__file__).resolve().parents[1] / "diagrams" / "access" / "private_review.bpmn"
ADMIN_UPLOAD = "/admin/bpmn_engine/deployment/upload/"


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def bpmn_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("review.bpmn", DIAGRAM.read_bytes(), "application/xml")


@pytest.fixture
def staff_without_permission(make_user: Any) -> Any:
    user = make_user("stella")
    user.is_staff = True
    user.save()
    user.user_permissions.add(Permission.objects.get(codename="view_deployment"))
    return user


def test_the_api_upload_without_the_permission_is_403(staff_without_permission: Any) -> None:
    response = signed_in(staff_without_permission).post(
        "/api/v1/deployments", {"file": bpmn_file()}
    )
    assert response.status_code == 403, response.content
    assert response.json()["type"] == "urn:baton:problem:permission-denied"
    assert "bpmn_engine.add_deployment" in response.json()["detail"]
    assert not Deployment.objects.exists()


def test_the_api_delete_without_the_permission_is_403(
    staff_without_permission: Any, deployed: Any
) -> None:
    deployment_id = deployed("access/private_review").deployment_id
    response = signed_in(staff_without_permission).delete(f"/api/v1/deployments/{deployment_id}")
    assert response.status_code == 403
    assert Deployment.objects.filter(pk=deployment_id).exists()


def test_the_admin_upload_page_without_the_permission_is_403(
    staff_without_permission: Any,
) -> None:
    client = signed_in(staff_without_permission)
    assert client.get(ADMIN_UPLOAD).status_code == 403
    assert client.post(ADMIN_UPLOAD, {"file": bpmn_file()}).status_code == 403
    listing = client.get("/admin/bpmn_engine/deployment/")
    assert listing.status_code == 200 and ADMIN_UPLOAD not in listing.content.decode()
    assert not Deployment.objects.exists()


def test_a_user_who_is_not_staff_is_sent_to_the_admin_login(make_user: Any) -> None:
    response = signed_in(make_user("nora")).post(ADMIN_UPLOAD, {"file": bpmn_file()})
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert not Deployment.objects.exists()


def test_control_with_the_permission_both_paths_deploy(staff_without_permission: Any) -> None:
    user = staff_without_permission
    user.user_permissions.add(Permission.objects.get(codename="add_deployment"))
    client = signed_in(user)
    assert client.post(ADMIN_UPLOAD, {"file": bpmn_file()}).status_code == 302
    again = client.post("/api/v1/deployments", {"file": bpmn_file()})
    assert again.status_code == 200 and again.json()["created"] is False
    assert Deployment.objects.count() == 1
