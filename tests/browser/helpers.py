"""Steps the browser scenarios share: sign in and out, start a request, decide a task."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect


def sign_in(page: Page, base: str, name: str) -> None:
    page.set_default_timeout(10_000)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(f"{name}-pw")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(f"Signed in as {name}")).to_be_visible()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def start_purchase(page: Page, base: str, *, amount: int, key: str) -> None:
    page.goto(f"{base}/")
    page.get_by_role("link", name="Start a request").click()
    page.get_by_role("link", name="Start Purchase request").click()
    page.get_by_label("Amount").fill(str(amount))
    page.get_by_label("What do you want to buy, and why?").fill("A standing desk")
    page.get_by_label("Cost center").select_option("engineering")
    page.get_by_label("Business key").fill(key)
    page.get_by_role("button", name="Start", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("was started")


def open_group_task(page: Page, base: str, task: str, key: str) -> None:
    page.goto(f"{base}/")
    page.get_by_role("link", name=re.compile(r"^Group tasks")).click()
    row = page.get_by_role("row").filter(has_text=key)
    row.get_by_role("link", name=task).click()
    expect(page.get_by_role("heading", level=1, name=task)).to_be_visible()


def decide(page: Page, *, approve: bool, comment: str) -> None:
    group = page.get_by_role("group", name=re.compile("Do you approve"))
    group.get_by_label("Yes" if approve else "No").check()
    page.get_by_label(re.compile(r"^Comment:?$")).fill(comment)
    page.get_by_role("button", name="Complete task").click()


def run_jobs() -> None:
    """Run every due service job (the demo's check-budget, order, notices).

    Only due service jobs: a pending timer (an escalation days away) must not keep this
    loop spinning. Jobs a run opens (the next service task) are run too, up to a bound
    that no demo flow comes near, so a job that keeps failing ends the loop with an
    error instead of hanging the browser test.
    """
    from bpmn_engine import clock
    from bpmn_engine.models import Job
    from bpmn_engine.services.jobs import job_execute

    for _ in range(100):
        due = Job.objects.filter(
            state=Job.State.PENDING, kind=Job.Kind.SERVICE, due_at__lte=clock.now()
        )
        jobs = list(due.values_list("pk", flat=True))
        if not jobs:
            return
        for job_id in jobs:
            job_execute(job_id=job_id)
    raise AssertionError("service jobs were still due after 100 rounds")


def diagram_ready(page: Page) -> Any:
    figure = page.locator("figure[data-bpmn-diagram]")
    expect(figure).to_have_attribute("data-state", "ready")
    return figure
