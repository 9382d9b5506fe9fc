"""Bulk approve from the inbox, and the pages at phone width."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import diagram_ready, open_group_task, run_jobs, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def three_requests(deployed: Any, people: Any) -> list[Any]:
    from bpmn_engine.services.instances import instance_start

    definition = deployed("purchase_request")
    instances = [
        instance_start(
            definition=definition,
            variables={"amount": 100 * n, "description": f"Item {n}", "costCenter": "sales"},
            business_key=f"PR-B{n}",
            user=people["alice"],
        )
        for n in (1, 2, 3)
    ]
    run_jobs()
    return instances


def test_bulk_approve_two_selected_tasks_shows_a_result_per_task(
    live_server: Any, page: Any, three_requests: Any, screenshot: Any
) -> None:
    from bpmn_engine.models import UserTask

    base = live_server.url
    sign_in(page, base, "bob")
    page.goto(f"{base}/inbox/group/")
    page.get_by_label("Select Manager approval PR-B1").check()
    page.get_by_label("Select Manager approval PR-B2").check()
    bulk = page.get_by_role("group", name="Decide for the selected tasks")
    bulk.get_by_label("Approve").check()
    bulk.get_by_label("Comment").fill("Small amounts, fine")
    bulk.get_by_role("button", name="Complete selected").click()
    expect(page.get_by_role("heading", name="Bulk decision")).to_be_visible()
    expect(page.locator(".lead")).to_contain_text("2 tasks completed.")
    expect(page.locator("td .state-completed")).to_have_count(2)
    done = UserTask.objects.filter(name="Manager approval", state="completed")
    assert sorted(done.values_list("instance__business_key", flat=True)) == ["PR-B1", "PR-B2"]
    assert {t.submitted["comment"] for t in done} == {"Small amounts, fine"}
    assert UserTask.objects.get(instance__business_key="PR-B3", state="open").completed_by == ""


def test_inbox_and_task_page_fit_a_phone(
    live_server: Any, new_page: Any, three_requests: Any, screenshot: Any
) -> None:
    """At 390 px the inbox rows become cards and nothing scrolls sideways."""
    page = new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    base = live_server.url
    sign_in(page, base, "bob")
    page.goto(f"{base}/inbox/group/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the inbox is {width}px wide on a 390px phone"
    screenshot(page, "inbox-phone")
    open_group_task(page, base, "Manager approval", "PR-B1")
    diagram_ready(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the task page is {width}px wide on a 390px phone"
    screenshot(page, "task-phone")
