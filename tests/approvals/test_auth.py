"""Signing in and out; every page needs a signed-in user."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_login_page_has_a_labelled_form() -> None:
    response = Client().get("/accounts/login/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<label for="id_username">Username</label>' in page
    assert '<label for="id_password">Password</label>' in page
    assert "csrfmiddlewaretoken" in page


def test_login_with_the_right_password_goes_to_the_task_list(people: dict[str, Any]) -> None:
    client = Client()
    response = client.post("/accounts/login/", {"username": "alice", "password": "alice-pw"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "Signed in as alice" in client.get("/").content.decode()


def test_login_with_a_wrong_password_says_so(people: dict[str, Any]) -> None:
    response = Client().post("/accounts/login/", {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert "Your username and password did not match" in response.content.decode()


@pytest.mark.parametrize("url", ["/", "/start/", "/tasks/1/", "/instances/1/", "/start/1/"])
def test_pages_send_anonymous_visitors_to_the_login_page(url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_sign_out_is_a_post_form_with_csrf(login: Any) -> None:
    page = login("alice").get("/").content.decode()
    assert '<form class="signout" method="post" action="/accounts/logout/">' in page
    assert "csrfmiddlewaretoken" in page
