"""Approval rules seen in the browser: four-eyes refusal, and a 2-of-3 vote."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import run_jobs, sign_in, start_purchase

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_cannot_approve_their_own_request(
    live_server: Any, page: Any, make_user: Any, people: Any, deployed: Any
) -> None:
    """max is a requester and a manager: his own request is not in his Group tasks, and
    its task page says why he cannot act, with no way to complete it."""
    from bpmn_engine.models import UserTask

    deployed("purchase_request")
    make_user("max", "requesters", "managers")
    base = live_server.url
    sign_in(page, base, "max")
    start_purchase(page, base, amount=400, key="PR-OWN")
    run_jobs()
    page.goto(f"{base}/inbox/group/")
    expect(page.get_by_text("No tasks are waiting for you.")).to_be_visible()
    requests = page.get_by_role("table", name="Processes you started")
    requests.get_by_role("row").filter(has_text="PR-OWN").get_by_role("link").click()
    page.get_by_role("link", name="Manager approval").click()
    expect(page.locator(".notice")).to_have_text(
        "You started this request, so someone else must approve it."
    )
    expect(page.get_by_role("button", name="Complete task")).to_have_count(0)
    expect(page.get_by_role("button", name="Claim")).to_have_count(0)
    task = UserTask.objects.get(name="Manager approval")
    assert (task.state, task.assignee) == (UserTask.State.OPEN, "")


def test_two_of_three_approvals_complete_the_vote_and_cancel_the_third(
    live_server: Any, page: Any, make_user: Any, people: Any, deployed: Any
) -> None:
    from bpmn_engine.models import UserTask
    from bpmn_engine.services.instances import instance_start

    make_user("dave", "managers")
    definition = deployed("activities/mi_approval_two_of_three")
    instance = instance_start(
        definition=definition,
        variables={"approvers": ["bob", "bella", "dave"]},
        business_key="VOTE-1",
        user=people["alice"],
    )
    base = live_server.url
    for name in ("bob", "bella"):
        sign_in(page, base, name)
        page.get_by_role("row").filter(has_text="VOTE-1").get_by_role("link").click()
        page.get_by_label("Approve").check()
        page.get_by_role("button", name="Complete task").click()
        expect(page.locator(".messages")).to_contain_text("Task “Approve” completed.")
        page.get_by_role("button", name="Sign out").click()

    sign_in(page, base, "dave")
    expect(page.get_by_role("row").filter(has_text="VOTE-1")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile(r"^My tasks 0"))).to_be_visible()
    tasks = UserTask.objects.filter(instance=instance)
    assert sorted(tasks.values_list("name", "state")) == [
        ("Approve", "cancelled"),
        ("Approve", "completed"),
        ("Approve", "completed"),
        ("Place order", "open"),
    ]
