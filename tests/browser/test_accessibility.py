"""Accessibility: axe-core (npm, injected by Playwright) finds no serious or critical
violation on the inbox, a task page and the start page; and a manager can claim and
approve a request with the keyboard alone."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import diagram_ready, run_jobs, sign_in, start_purchase

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def serious_violations(page: Page) -> list[str]:
    """Run axe on the page as it is; each serious or critical finding, with its nodes."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def waiting_request(live_server: Any, page: Page, people: Any, deployed: Any) -> str:
    """alice has started a request for 400 that waits for a manager; returns the URL base."""
    deployed("purchase_request")
    base = str(live_server.url)
    sign_in(page, base, "alice")
    start_purchase(page, base, amount=400, key="PR-A11Y")
    page.get_by_role("button", name="Sign out").click()
    run_jobs()
    return base


def test_inbox_task_page_and_start_page_have_no_serious_axe_violations(
    page: Page, waiting_request: str
) -> None:
    base = waiting_request
    sign_in(page, base, "bob")
    page.goto(f"{base}/inbox/group/")
    expect(page.get_by_role("row").filter(has_text="PR-A11Y")).to_have_count(1)
    assert serious_violations(page) == [], "inbox"
    page.get_by_role("row").filter(has_text="PR-A11Y").get_by_role("link").click()
    diagram_ready(page)
    assert serious_violations(page) == [], "task page"
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, base, "alice")
    page.goto(f"{base}/start/")
    assert serious_violations(page) == [], "start list"
    page.get_by_role("link", name="Start Purchase request").click()
    assert serious_violations(page) == [], "start form"


def tab_to(page: Page, pattern: str, *, limit: int = 80) -> None:
    """Press Tab until the focused element's accessible text matches ``pattern``."""
    wanted = re.compile(pattern)
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "(() => { const e = document.activeElement; const l = e.labels && e.labels[0];"
            " return (e.getAttribute('aria-label') || (l && l.textContent) || e.textContent"
            " || e.value || '').trim(); })()"
        )
        if wanted.search(focused):
            return
    raise AssertionError(f"no focusable element matching {pattern!r} within {limit} tabs")


def test_a_manager_claims_and_approves_with_the_keyboard_only(
    page: Page, waiting_request: str
) -> None:
    from bpmn_engine.models import UserTask

    base = waiting_request
    sign_in(page, base, "bob")
    tab_to(page, r"^Group tasks")
    page.keyboard.press("Enter")
    expect(page.get_by_role("row").filter(has_text="PR-A11Y")).to_have_count(1)
    tab_to(page, r"^Manager approval$")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Manager approval")).to_be_visible()
    tab_to(page, r"^Claim$")
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("You claimed")
    tab_to(page, r"^Yes$")
    page.keyboard.press("Space")
    tab_to(page, r"^Comment:?$")
    page.keyboard.type("Approved from the keyboard")
    tab_to(page, r"^Complete task$")
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("Task “Manager approval” completed.")
    task = UserTask.objects.get(name="Manager approval")
    assert (task.state, task.completed_by, task.submitted.get("approved")) == (
        UserTask.State.COMPLETED,
        "bob",
        True,
    )
