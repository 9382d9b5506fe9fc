"""Two browsers complete the same task: exactly one completion, a clear message for the other."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import decide, open_group_task, run_jobs, sign_in, start_purchase

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_two_managers_complete_the_same_task_and_exactly_one_wins(
    live_server: Any, new_page: Any, people: Any, deployed: Any
) -> None:
    from bpmn_engine.models import HistoryEvent, UserTask

    deployed("purchase_request")
    base = live_server.url
    alice = new_page()
    sign_in(alice, base, "alice")
    start_purchase(alice, base, amount=200, key="PR-RACE")
    run_jobs()

    bob, bella = new_page(), new_page()
    for page, name in ((bob, "bob"), (bella, "bella")):
        sign_in(page, base, name)
        open_group_task(page, base, "Manager approval", "PR-RACE")
        expect(page.get_by_role("button", name="Complete task")).to_be_visible()

    decide(bob, approve=True, comment="bob says yes")
    expect(bob.locator(".messages")).to_contain_text("completed")
    decide(bella, approve=False, comment="bella says no")
    expect(bella.locator(".messages")).to_have_text(
        "This task was already completed by someone else."
    )

    task = UserTask.objects.get(name="Manager approval")
    assert task.state == UserTask.State.COMPLETED
    assert task.completed_by == "bob"
    assert task.submitted == {"approved": True, "comment": "bob says yes"}
    completions = HistoryEvent.objects.filter(event="task_completed", data__task_id=task.pk)
    assert completions.count() == 1
