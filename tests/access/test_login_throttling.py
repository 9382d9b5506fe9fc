"""Repeated failed sign-ins are throttled (issue 6, access 24): on the login page, the
admin's login and the API's Basic authentication, by username and client address, with
django-axes. After the limit even the right password is refused until the cool-off ends."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

LIMIT = 5


@pytest.fixture(autouse=True)
def small_limit(settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = LIMIT


def sign_in(client: Client, password: str, url: str = "/accounts/login/") -> Any:
    return client.post(url, {"username": "alice", "password": password})


def basic(password: str) -> APIClient:
    client = APIClient()
    token = base64.b64encode(f"alice:{password}".encode()).decode()
    client.credentials(HTTP_AUTHORIZATION=f"Basic {token}")
    return client


def test_the_login_page_refuses_even_the_right_password_after_the_limit(make_user):
    make_user("alice")
    client = Client()
    assert [sign_in(client, "wrong").status_code for _ in range(LIMIT - 1)] == [200] * 4
    locked = sign_in(client, "wrong")
    assert locked.status_code == 429 and locked["Retry-After"] == "900"
    assert "Too many failed sign-ins" in locked.content.decode()
    right = sign_in(client, "alice-pw")
    assert right.status_code == 429 and "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get(username="alice").failures_since_start >= LIMIT


def test_another_account_and_a_success_before_the_limit_are_not_affected(make_user):
    make_user("alice")
    make_user("bob")
    client = Client()
    for _ in range(LIMIT - 1):
        sign_in(client, "wrong")
    assert sign_in(client, "alice-pw").status_code == 302  # a success resets the count
    for _ in range(LIMIT - 1):
        sign_in(client, "wrong")
    assert sign_in(client, "alice-pw").status_code == 302
    bob = Client().post("/accounts/login/", {"username": "bob", "password": "bob-pw"})
    assert bob.status_code == 302


def test_the_admin_login_shares_the_count(make_user):
    make_user("alice", superuser=True)
    client = Client()
    for _ in range(LIMIT):
        sign_in(client, "wrong", url="/admin/login/")
    assert sign_in(client, "alice-pw", url="/admin/login/").status_code == 429
    assert sign_in(client, "alice-pw").status_code == 429


def test_api_basic_authentication_is_throttled_with_a_problem(make_user):
    make_user("alice")
    statuses = [basic("wrong").get("/api/v1/tasks").status_code for _ in range(LIMIT)]
    assert statuses[: LIMIT - 1] == [401] * (LIMIT - 1)
    refused = basic("alice-pw").get("/api/v1/tasks")
    assert refused.status_code == 429, refused.content
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["type"] == "urn:baton:problem:login-throttled"
    assert refused["Retry-After"] == "900"
    assert basic("alice-pw").get("/api/v1/tasks").status_code == 429
