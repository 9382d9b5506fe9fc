"""Escalation by boundary timer, seen in the browser: the clock is moved (never slept), the
due timer job is fired by the engine's timer service (what the beat sweeper dispatches),
and the manager then finds the task, with the change in the history beside the diagram."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TWO_HOURS = 2 * 3600


def fire_due_timers() -> list[str]:
    """Move the clock past the 2-hour deadline and fire each timer as the worker would."""
    from bpmn_engine import clock
    from bpmn_engine.models import Job
    from bpmn_engine.services.events.timers import timer_fire
    from bpmn_engine.services.jobs import jobs_sweep

    timers = list(Job.objects.filter(kind=Job.Kind.TIMER).values_list("pk", flat=True))
    assert timers, "the user task should have armed its boundary timer"
    assert [timer_fire(job_id=pk) for pk in timers] == ["skipped"] * len(timers), (
        "a timer must not fire before it is due"
    )
    clock.advance(TWO_HOURS + 1)
    assert jobs_sweep()["dispatched"] >= len(timers)
    return [timer_fire(job_id=pk) for pk in timers]


def run_service_jobs() -> None:
    from bpmn_engine.models import Job
    from bpmn_engine.services.jobs import job_execute

    pending = Job.objects.filter(kind=Job.Kind.SERVICE, state=Job.State.PENDING)
    for job_id in pending.values_list("pk", flat=True):
        assert job_execute(job_id=job_id) == "completed"


def test_a_non_interrupting_timer_reassigns_the_open_task_to_the_manager(
    live_server: Any, page: Any, make_user: Any, people: Any, deployed: Any, screenshot: Any
) -> None:
    """After 2 hours the clerks' task stays open, the escalation step assigns it to bob and
    adds the managers group: bob finds it in My tasks, and the history says so."""
    from bpmn_engine.models import UserTask
    from bpmn_engine.services.instances import instance_start

    make_user("clara", "clerks")
    instance = instance_start(
        definition=deployed("browser/escalate_reassign"),
        variables={"escalateTo": "bob"},
        business_key="ESC-1",
        user=people["alice"],
    )
    base = live_server.url
    sign_in(page, base, "bob")
    expect(page.get_by_role("row").filter(has_text="ESC-1")).to_have_count(0)
    page.get_by_role("button", name="Sign out").click()

    assert fire_due_timers() == ["fired"]
    run_service_jobs()
    task = UserTask.objects.get(instance=instance, element_id="approve")
    assert (task.state, task.assignee) == (UserTask.State.OPEN, "bob")

    sign_in(page, base, "bob")
    page.get_by_role("link", name=re.compile(r"^My tasks 1")).click()
    page.get_by_role("row").filter(has_text="ESC-1").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1, name="Approve expense")).to_be_visible()
    history = page.get_by_role("complementary").filter(
        has=page.get_by_role("heading", name="History")
    )
    expect(history).to_contain_text("Escalated · 2 hours")
    reassigned = history.get_by_role("listitem").filter(has_text="Reassigned")
    expect(reassigned).to_contain_text("Assigned to bob; Groups added: managers")
    screenshot(page, "escalation-reassigned")


def test_an_interrupting_timer_hands_the_request_to_the_managers(
    live_server: Any, page: Any, make_user: Any, people: Any, deployed: Any
) -> None:
    """After 2 hours the clerks' task is cancelled and the modelled escalation path gives
    a Manager review to the managers' group; the clerk's link now says it is gone."""
    from bpmn_engine.models import UserTask
    from bpmn_engine.services.instances import instance_start

    make_user("clara", "clerks")
    instance = instance_start(
        definition=deployed("browser/escalate_interrupting"),
        business_key="ESC-2",
        user=people["alice"],
    )
    base = live_server.url
    sign_in(page, base, "clara")
    page.get_by_role("link", name=re.compile(r"^Group tasks 1")).click()
    expect(page.get_by_role("row").filter(has_text="ESC-2")).to_have_count(1)
    page.get_by_role("button", name="Sign out").click()

    assert fire_due_timers() == ["fired"]
    tasks = UserTask.objects.filter(instance=instance)
    assert sorted(tasks.values_list("element_id", "state")) == [
        ("approve", UserTask.State.CANCELLED),
        ("review", UserTask.State.OPEN),
    ]

    sign_in(page, base, "clara")
    expect(page.get_by_role("link", name=re.compile(r"^Group tasks 0"))).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, base, "bob")
    page.get_by_role("link", name=re.compile(r"^Group tasks 1")).click()
    page.get_by_role("row").filter(has_text="ESC-2").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1, name="Manager review")).to_be_visible()
    expect(page.locator(".timeline")).to_contain_text(
        "Escalated, the step was taken over · 2 hours"
    )
