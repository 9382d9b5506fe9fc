"""CSRF is enforced on every form and on the API under session sign-in (issue 6, access 22).

The sweep POSTs (and PUTs, PATCHes, DELETEs) to every route Django resolves, the admin's
included, from a signed-in browser session without a CSRF token: each is refused with 403
before the view runs. The control sends the same kind of request with the token and gets
through. Every ``<form method="post">`` in the templates carries ``{% csrf_token %}``.
Bearer and Basic callers need no token: they send no ambient credential a page could ride.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.access.conftest import Victim
from tests.access.routes import url_routes

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [ROOT / "approvals" / "templates", ROOT / "bpmn_engine" / "templates"]
NO_STATE_CHANGE = {
    "api/v1/.*": "the catch-all answers 404 for unknown API paths before anything else",
}
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
HTML_ERROR_PAGES = {"api/docs/", "api/redoc/"}
"""Schema viewers whose HTML renderer prints a bare "403 Forbidden" without the reason;
``test_the_schema_viewers_refuse_for_want_of_the_token`` shows the 403 is the CSRF check."""


def _url(template: str, victim: Victim) -> str:
    url = "/" + template
    url = re.sub(r"<(pk|task_id)>", str(victim.task.pk), url)
    url = re.sub(r"<(instance_id|object_id)>", str(victim.instance.pk), url)
    url = url.replace("<definition_id>", str(victim.definition.pk))
    url = url.replace("<key>", victim.definition.key).replace("<app_label>", "bpmn_engine")
    url = url.replace("<view>", "mine")
    return re.sub(r"<\w+>", "1", url)


@pytest.fixture
def session_without_token(make_user: Any) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("staffer", superuser=True))
    return client


def test_every_unsafe_request_without_a_token_is_refused_on_every_route(
    victim: Victim, session_without_token: Client
) -> None:
    templates = sorted({r.template for r in url_routes()} - set(NO_STATE_CHANGE))
    assert len(templates) > 100
    refused = []
    for template in templates:
        url = _url(template, victim)
        for method in UNSAFE:
            response = session_without_token.generic(
                method, url, "{}", content_type="application/json"
            )
            text = response.content.decode(errors="replace")
            says_csrf = "CSRF" in text or template in HTML_ERROR_PAGES
            if response.status_code != 403 or not says_csrf:
                refused.append((method, url, response.status_code, text[:200]))
    assert refused == [], "unsafe requests that got past the CSRF check"


def test_the_schema_viewers_refuse_for_want_of_the_token(make_user: Any) -> None:
    """With the token the same POST is a 405 (they only answer GET): the 403 without it
    is the CSRF check."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("staffer", superuser=True))
    token = client.get("/").cookies["csrftoken"].value
    for template in sorted(HTML_ERROR_PAGES):
        url, json = "/" + template, "application/json"
        assert client.post(url, "{}", content_type=json).status_code == 403
        with_token = client.post(url, "{}", content_type=json, headers={"X-CSRFToken": token})
        assert with_token.status_code == 405, template


def test_the_sign_in_form_needs_the_token_too() -> None:
    response = Client(enforce_csrf_checks=True).post(
        "/accounts/login/", {"username": "alice", "password": "x"}
    )
    assert response.status_code == 403


def test_control_the_same_requests_with_the_token_get_through(
    victim: Victim, make_user: Any
) -> None:
    from django.contrib.auth.models import User

    bob = Client(enforce_csrf_checks=True)
    bob.force_login(User.objects.get(username="bob"))
    page = bob.get(f"/tasks/{victim.task.pk}/")
    token = page.cookies["csrftoken"].value
    claimed = bob.post(f"/tasks/{victim.task.pk}/claim/", {"csrfmiddlewaretoken": token})
    assert claimed.status_code == 302
    api = bob.post(
        f"/api/v1/tasks/{victim.task.pk}/unclaim",
        "{}",
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert api.status_code == 200, api.content


def test_bearer_callers_need_no_token(victim: Victim) -> None:
    from django.contrib.auth.models import User

    from bpmn_engine.api.tokens import api_token_create

    issued = api_token_create(user=User.objects.get(username="bob"))
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        f"/api/v1/tasks/{victim.task.pk}/claim",
        headers={"Authorization": f"Bearer {issued.plain}"},
    )
    assert response.status_code == 200, response.content


FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.S | re.I)


def test_every_post_form_in_the_templates_carries_the_token() -> None:
    forms = [
        (path.relative_to(ROOT).as_posix(), form)
        for folder in TEMPLATE_DIRS
        for path in folder.rglob("*.html")
        for form in FORM.findall(path.read_text(encoding="utf-8"))
        if re.search(r'method="post"', form, re.I)
    ]
    assert len(forms) >= 8
    missing = [name for name, form in forms if "{% csrf_token %}" not in form]
    assert missing == []
