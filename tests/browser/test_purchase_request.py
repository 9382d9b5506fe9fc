"""The demo purchase request, end to end in a real browser: request, manager, finance."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    decide,
    diagram_ready,
    open_group_task,
    run_jobs,
    sign_in,
    sign_out,
    start_purchase,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def purchase_request(deployed: Any) -> Any:
    return deployed("purchase_request")


def test_large_request_is_approved_by_manager_then_finance_and_the_requester_sees_it(
    live_server: Any, page: Any, people: Any, purchase_request: Any, screenshot: Any
) -> None:
    """alice starts a 2,500 request; bob claims and approves it (seeing the token on his
    task), carol approves for finance; alice sees it completed with both decisions."""
    base = live_server.url
    sign_in(page, base, "alice")
    page.goto(f"{base}/start/")
    screenshot(page, "start")
    start_purchase(page, base, amount=2500, key="PR-2500")
    sign_out(page)
    run_jobs()

    sign_in(page, base, "bob")
    page.get_by_role("link", name=re.compile(r"^Group tasks")).click()
    expect(page.get_by_role("link", name=re.compile(r"^Group tasks 1"))).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="PR-2500")).to_contain_text("Manager approval")
    screenshot(page, "inbox")
    open_group_task(page, base, "Manager approval", "PR-2500")
    page.get_by_role("button", name="Claim").click()
    expect(page.locator(".messages")).to_contain_text("You claimed")
    figure = diagram_ready(page)
    expect(figure.locator('[data-token="Task_ManagerApproval"]')).to_be_visible()
    expect(
        figure.locator('g.djs-element.baton-active[data-element-id="Task_ManagerApproval"]')
    ).to_have_count(1)
    expect(figure.locator('g.baton-done[data-element-id="Task_CheckBudget"]')).to_have_count(1)
    screenshot(page, "task-page")
    screenshot(figure, "diagram")
    decide(page, approve=True, comment="Fits the team plan")
    expect(page.locator(".messages")).to_contain_text("Task “Manager approval” completed.")
    sign_out(page)

    sign_in(page, base, "carol")
    open_group_task(page, base, "Finance approval", "PR-2500")
    page.get_by_role("button", name="Claim").click()
    decide(page, approve=True, comment="Budget is available")
    expect(page.locator(".messages")).to_contain_text("Task “Finance approval” completed.")
    sign_out(page)
    run_jobs()

    sign_in(page, base, "alice")
    row = page.get_by_role("row").filter(has_text="PR-2500")
    expect(row).to_contain_text("Completed")
    row.get_by_role("link").click()
    timeline = page.get_by_role("complementary", name="History")
    expect(timeline.locator(".event-approved")).to_have_count(2)
    expect(timeline).to_contain_text("Fits the team plan")
    expect(timeline).to_contain_text("Budget is available")
    expect(timeline).to_contain_text("Ended: Request approved")
    figure = diagram_ready(page)
    expect(
        figure.locator('g.baton-done[data-element-id="EndEvent_RequestApproved"]')
    ).to_have_count(1)
    expect(figure.locator('g.baton-path[data-element-id="Flow_AmountLarge"]')).to_have_count(1)
    screenshot(page, "request-completed")


def test_manager_rejection_ends_the_request_with_the_reason_in_the_timeline(
    live_server: Any, page: Any, people: Any, purchase_request: Any
) -> None:
    base = live_server.url
    sign_in(page, base, "alice")
    start_purchase(page, base, amount=300, key="PR-300")
    sign_out(page)
    run_jobs()

    sign_in(page, base, "bob")
    open_group_task(page, base, "Manager approval", "PR-300")
    page.get_by_role("button", name="Claim").click()
    decide(page, approve=False, comment="We already have desks")
    sign_out(page)
    run_jobs()

    sign_in(page, base, "alice")
    page.get_by_role("row").filter(has_text="PR-300").get_by_role("link").click()
    timeline = page.get_by_role("complementary", name="History")
    expect(timeline.locator(".event-rejected")).to_contain_text("We already have desks")
    expect(timeline).to_contain_text("Ended: Request rejected")
    expect(timeline.locator(".event-approved")).to_have_count(0)
