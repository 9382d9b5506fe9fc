"""The instance page: its starter (or staff) follows a request to its end."""

from __future__ import annotations

from typing import Any

import pytest

from tests.approvals.helpers import open_task, run_jobs

pytestmark = pytest.mark.django_db


def test_requester_follows_a_request_to_completed(login: Any, start_purchase: Any) -> None:
    instance = start_purchase(amount=250, business_key="PR-3")
    login("bob").post(f"/tasks/{open_task(instance.pk).pk}/", {"approved": "true"})
    run_jobs(instance.pk)

    alice = login("alice")
    assert '<span class="state state-completed">Completed</span>' in alice.get("/").content.decode()
    page = alice.get(f"/instances/{instance.pk}/").content.decode()
    assert f"<h1>Purchase request #{instance.pk}</h1>" in page
    assert '<span class="state state-completed">Completed</span>' in page
    assert f'<dt title="orderNumber">Order number</dt><dd>PO-{instance.pk:06d}</dd>' in page
    assert "No open tasks." in page


def test_instance_history_says_when_who_what_and_where(login: Any, start_purchase: Any) -> None:
    instance = start_purchase()
    login("bob").post(f"/tasks/{open_task(instance.pk).pk}/", {"approved": "false"})
    page = login("alice").get(f"/instances/{instance.pk}/").content.decode()
    assert "<td>Instance started</td>" in page
    assert "<td>Task completed</td>\n        <td>Manager approval</td>" in page
    assert "<td>bob</td>" in page
    assert "<td>Check budget</td>" in page, "element names, not ids"


def test_instance_page_lists_open_tasks(login: Any, start_purchase: Any) -> None:
    instance = start_purchase()
    task = open_task(instance.pk)
    page = login("alice").get(f"/instances/{instance.pk}/").content.decode()
    assert f'<a href="/tasks/{task.pk}/">Manager approval</a> — unclaimed' in page


def test_instance_page_shows_incidents(login: Any, purchase_request: Any, people: Any) -> None:
    """A request started without an amount cannot pass "Amount over 1,000?"."""
    from bpmn_engine.services.instances import instance_start

    instance = instance_start(
        definition=purchase_request, variables={"description": "x"}, user=people["alice"]
    )
    run_jobs(instance.pk)
    login("bob").post(f"/tasks/{open_task(instance.pk).pk}/", {"approved": "true"})
    page = login("alice").get(f"/instances/{instance.pk}/").content.decode()
    assert '<h2 id="incidents-heading">Incidents</h2>' in page
    assert "Gateway_AmountLarge" in page


def test_instance_page_is_404_for_other_users_but_open_to_staff(
    login: Any, start_purchase: Any
) -> None:
    instance = start_purchase()
    assert login("bob").get(f"/instances/{instance.pk}/").status_code == 404
    assert login("carol").get(f"/instances/{instance.pk}/").status_code == 404
    assert login("alice").get("/instances/999999/").status_code == 404
    assert login("admin").get(f"/instances/{instance.pk}/").status_code == 200
