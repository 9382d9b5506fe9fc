"""Another user's task, instance or history is a 404 on every endpoint and page, exactly
like an id that does not exist (issue 6, access 20).

The sweep covers every route Django resolves (``tests/access/routes.py``): a route added
without an access rule fails ``test_every_route_has_an_access_rule``. Mallory, signed in
but with no part in alice's review, tries every method of every route on alice's open
task, her completed task and her instance; each answer must be the answer for a missing
id (same status, same body once the id is masked) and nothing may change.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from bpmn_engine.models import HistoryEvent, ProcessInstance, TaskComment, UserTask
from tests.access.conftest import MARKER, Victim
from tests.access.routes import ADMIN_PUBLIC, RULES, Hidden, Listing, Public, Refused, url_routes

pytestmark = pytest.mark.django_db

MISSING_OFFSET = 10_000_000
CSRF_VALUE = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
ID_PARAMETERS = re.compile(r"<(pk|task_id|instance_id|definition_id)>")


def _rules_of(kind: type) -> list[str]:
    return [name for name, rule in RULES.items() if isinstance(rule, kind)]


def send(client: Client, method: str, url: str, body: Any, object_id: int) -> Any:
    """One request as the pages and the API expect it: a form for pages, JSON for the API."""
    if isinstance(body, dict):
        body = {k: (str(object_id) if v == "{id}" else v) for k, v in body.items()}
    if url.startswith("/api/"):
        data = json.dumps(body) if body is not None else ""
        return client.generic(method, url, data, content_type="application/json")
    if method == "GET":
        return client.get(url)
    return client.post(url, body or {})


def masked(response: Any, *ids: int) -> tuple[int, str, str]:
    """Status, redirect and body with the probed ids (both, as whole numbers) masked."""
    alternatives = "|".join(str(i) for i in ids)
    pattern = re.compile(rf"(?<!\d)({alternatives})(?!\d)")
    text = CSRF_VALUE.sub("<CSRF>", response.content.decode(errors="replace"))
    text = pattern.sub("<ID>", text)
    return response.status_code, pattern.sub("<ID>", response.get("Location", "")), text


def snapshot(victim: Victim) -> dict[str, Any]:
    tasks = UserTask.objects.filter(instance=victim.instance).order_by("pk")
    from bpmn_engine.models import Scope, Token

    return {
        "tasks": list(tasks.values("pk", "state", "assignee", "owner", "draft")),
        "instance": ProcessInstance.objects.get(pk=victim.instance.pk).state,
        "tokens": list(
            Token.objects.filter(instance=victim.instance).values_list("pk", "element_id")
        ),
        "variables": list(Scope.objects.filter(instance=victim.instance).values_list("variables")),
        "history": HistoryEvent.objects.filter(instance=victim.instance).count(),
        "comments": TaskComment.objects.count(),
        "instances": ProcessInstance.objects.count(),
    }


def test_every_route_has_an_access_rule() -> None:
    """A new route (or a new method on a DRF route) must be given a rule here."""
    routes = [r for r in url_routes() if not r.template.startswith("admin/")]
    templates = {r.template for r in routes}
    missing = sorted(templates - set(RULES))
    assert missing == [], f"routes without an access rule in tests/access/routes.py: {missing}"
    assert sorted(set(RULES) - templates) == [], "rules for routes that no longer exist"
    for route in routes:
        rule = RULES[route.template]
        if route.methods is None or isinstance(rule, Public):
            continue
        probed = set(rule.calls)
        assert probed == set(route.methods), f"{route.template}: probe {sorted(route.methods)}"
    for name in _rules_of(Public):
        assert len(RULES[name].reason) > 10, f"{name}: say why it is public"  # type: ignore[union-attr]


HIDDEN_CASES = [
    pytest.param(name, kind, method, id=f"{method} {name} ({kind})")
    for name in _rules_of(Hidden)
    for kind in RULES[name].kinds  # type: ignore[union-attr]
    for method in RULES[name].calls  # type: ignore[union-attr]
]


@pytest.mark.parametrize(("name", "kind", "method"), HIDDEN_CASES)
def test_another_users_object_looks_exactly_like_a_missing_one(
    name: str, kind: str, method: str, victim: Victim, mallory: Client
) -> None:
    rule = RULES[name]
    assert isinstance(rule, Hidden)
    before = snapshot(victim)
    real_id = victim.id_of(kind)
    fake_id = real_id + MISSING_OFFSET
    body = rule.calls[method]
    answers = []
    for object_id in (real_id, fake_id):
        url = "/" + ID_PARAMETERS.sub(str(object_id), name)
        answers.append(masked(send(mallory, method, url, body, object_id), real_id, fake_id))
    real, fake = answers
    assert real[0] == rule.status, real
    assert real == fake, "another user's object is told apart from a missing one"
    assert MARKER not in real[2]
    assert snapshot(victim) == before, "the refused request changed something"


REFUSED_CASES = [
    pytest.param(name, method, id=f"{method} {name}")
    for name in _rules_of(Refused)
    for method in RULES[name].calls  # type: ignore[union-attr]
]


@pytest.mark.parametrize(("name", "method"), REFUSED_CASES)
def test_role_only_routes_refuse_whatever_the_id(
    name: str, method: str, victim: Victim, mallory: Client
) -> None:
    rule = RULES[name]
    assert isinstance(rule, Refused)
    before = snapshot(victim)
    answers = []
    ids = (victim.id_of("instance"), victim.id_of("task") + MISSING_OFFSET)
    for object_id in ids:
        url = "/" + ID_PARAMETERS.sub(str(object_id), name)
        response = send(mallory, method, url, rule.calls[method], object_id)
        answers.append(masked(response, *ids))
    assert answers[0][0] == rule.status, answers[0]
    assert answers[0] == answers[1]
    assert snapshot(victim) == before


def _listing_urls(name: str) -> list[str]:
    if name == "inbox/<view>/":
        from approvals.inbox import VIEWS

        return [f"/inbox/{view}/" for view in VIEWS]
    return ["/" + name]


@pytest.mark.parametrize("name", _rules_of(Listing))
def test_lists_and_inboxes_never_show_another_users_objects(
    name: str, victim: Victim, mallory: Client
) -> None:
    for url in _listing_urls(name):
        queries = ["", f"?processInstanceId={victim.instance.pk}"]
        if url.startswith("/api/"):
            queries.append(f"?businessKey={MARKER}-1")
        for query in queries:
            response = mallory.get(url + query)
            assert response.status_code == 200, (url, response.status_code)
            text = response.content.decode()
            assert MARKER not in text, url
            if url.startswith("/api/"):
                assert response.json()["count"] == 0, (url, query)


def test_the_owner_still_sees_what_mallory_cannot(victim: Victim) -> None:
    """The control: the same requests by the people involved do find the objects."""
    from django.contrib.auth.models import User

    alice, bob = Client(), Client()
    alice.force_login(User.objects.get(username="alice"))
    bob.force_login(User.objects.get(username="bob"))
    assert alice.get(f"/api/v1/process-instances/{victim.instance.pk}/history").status_code == 200
    assert alice.get(f"/instances/{victim.instance.pk}/").status_code == 200
    assert bob.get(f"/api/v1/tasks/{victim.task.pk}").status_code == 200
    assert MARKER in bob.get(f"/tasks/{victim.task.pk}/").content.decode()
    assert bob.post(f"/api/v1/tasks/{victim.task.pk}/claim").status_code == 200


def test_every_admin_page_sends_a_non_staff_user_to_the_admin_login(
    victim: Victim, mallory: Client
) -> None:
    """The admin is staff-only as a whole (``admin_view``): every admin route, with
    alice's ids filled in, redirects mallory to the admin's sign-in."""
    admin_routes = sorted({r.template for r in url_routes() if r.template.startswith("admin/")})
    assert len(admin_routes) > 40
    filled = {
        "<object_id>": str(victim.instance.pk),
        "<app_label>": "bpmn_engine",
        "<content_type_id>": "1",
        "<url>": "x",
    }
    for template in admin_routes:
        if template in ADMIN_PUBLIC:
            continue
        url = "/" + template
        for placeholder, value in filled.items():
            url = url.replace(placeholder, value)
        url = re.sub(r"<\w+>", "1", url)
        response = mallory.get(url)
        assert response.status_code == 302, (template, response.status_code)
        assert response["Location"].startswith("/admin/login/"), template
