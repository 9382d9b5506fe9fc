"""Delegate, resolve, comments, drafts and bulk decisions through the pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bpmn_engine.models import HistoryEvent, UserTask
from tests.approvals.helpers import open_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def start(review: Any, people: dict[str, Any]) -> Callable[..., UserTask]:
    from bpmn_engine.services.instances import instance_start

    def run(key: str = "DOC-1") -> UserTask:
        instance = instance_start(definition=review, business_key=key, user=people["alice"])
        return open_task(instance.pk)

    return run


def test_delegate_then_resolve_hands_the_task_back_with_a_draft(login: Any, start: Any) -> None:
    """bob delegates to bella; bella fills the form in and resolves; bob finds her
    values as his draft and completes the task himself."""
    task = start()
    bob, bella = login("bob"), login("bella")
    bob.post(f"/tasks/{task.pk}/claim/")
    page = bob.get(f"/tasks/{task.pk}/").content.decode()
    assert '<datalist id="people">' in page and '<option value="bella">' in page
    response = bob.post(f"/tasks/{task.pk}/delegate/", {"to_user": "bella"}, follow=True)
    assert "Delegated to bella." in response.content.decode()
    task.refresh_from_db()
    assert (task.assignee, task.owner, task.delegation_state) == ("bella", "bob", "pending")

    page = bella.get(f"/tasks/{task.pk}/").content.decode()
    assert "Resolve and hand back to bob" in page
    assert "Complete task" not in page
    data = {"action": "resolve", "approved": "true", "comment": "Looks fine to me"}
    response = bella.post(f"/tasks/{task.pk}/", data, follow=True)
    assert "Handed back to bob." in response.content.decode()
    task.refresh_from_db()
    assert (task.assignee, task.delegation_state, task.state) == ("bob", "resolved", "open")

    page = bob.get(f"/tasks/{task.pk}/").content.decode()
    assert "Filled in from your saved draft." in page
    assert 'value="true" required id="id_approved_0" checked' in page
    assert "Looks fine to me</textarea>" in page
    bob.post(f"/tasks/{task.pk}/", {"approved": "true", "comment": "Agreed"})
    task.refresh_from_db()
    assert task.state == UserTask.State.COMPLETED and task.completed_by == "bob"


def test_delegate_to_an_unknown_user_says_so(login: Any, start: Any) -> None:
    task = start()
    bob = login("bob")
    bob.post(f"/tasks/{task.pk}/claim/")
    response = bob.post(f"/tasks/{task.pk}/delegate/", {"to_user": "nobody"}, follow=True)
    assert "There is no user called “nobody”." in response.content.decode()
    task.refresh_from_db()
    assert task.assignee == "bob"


def test_save_draft_keeps_unfinished_values_without_completing(login: Any, start: Any) -> None:
    task = start()
    bob = login("bob")
    data = {"action": "draft", "comment": "Half way through"}
    response = bob.post(f"/tasks/{task.pk}/", data, follow=True)
    assert "Draft saved. You can finish it later." in response.content.decode()
    task.refresh_from_db()
    assert task.state == UserTask.State.OPEN
    assert task.draft == {"approved": "", "comment": "Half way through"}
    assert "Half way through</textarea>" in bob.get(f"/tasks/{task.pk}/").content.decode()


def test_comments_are_listed_on_the_task_and_in_the_timeline(login: Any, start: Any) -> None:
    task = start()
    response = login("bob").post(
        f"/tasks/{task.pk}/comment/", {"text": "Which version?"}, follow=True
    )
    page = response.content.decode()
    assert "Comment added." in page
    assert "<p>Which version?</p>" in page
    assert '<li class="event event-comment">' in page
    alice_view = login("alice").get(f"/tasks/{task.pk}/").content.decode()
    assert "<p>Which version?</p>" in alice_view, "the requester reads the question"


def test_an_empty_comment_is_refused(login: Any, start: Any) -> None:
    task = start()
    response = login("bob").post(f"/tasks/{task.pk}/comment/", {"text": "  "}, follow=True)
    assert "Write a comment first." in response.content.decode()


def test_bulk_approve_completes_each_selected_task_and_reports_each(login: Any, start: Any) -> None:
    """Three tasks ticked, one taken by a colleague first: two complete, one is reported
    as not completed, each with its own audit row."""
    one, two, three = start("DOC-1"), start("DOC-2"), start("DOC-3")
    login("bella").post(f"/tasks/{three.pk}/claim/")
    bob = login("bob")
    page = bob.get("/inbox/group/").content.decode()
    assert 'name="task_ids"' in page and "Complete selected" in page
    data = {"task_ids": [one.pk, two.pk, three.pk], "approved": "true", "comment": "Batch"}
    response = bob.post("/tasks/bulk/", data)
    page = response.content.decode()
    assert "2 tasks completed." in page
    assert page.count('<span class="state state-completed">Completed</span>') == 2
    assert page.count("Not completed") == 1
    for task in (one, two):
        task.refresh_from_db()
        assert task.state == UserTask.State.COMPLETED
        assert task.submitted == {"approved": True, "comment": "Batch"}
    three.refresh_from_db()
    assert three.state == UserTask.State.OPEN
    audited = HistoryEvent.objects.filter(event="task_completed", user="bob")
    assert sorted(e.data["task_id"] for e in audited) == sorted([one.pk, two.pk])


def test_bulk_without_a_decision_changes_nothing(login: Any, start: Any) -> None:
    task = start()
    response = login("bob").post("/tasks/bulk/", {"task_ids": [task.pk]}, follow=True)
    assert "Choose at least one task and a decision." in response.content.decode()
    task.refresh_from_db()
    assert task.state == UserTask.State.OPEN


def test_a_follower_without_a_rule_refusal_is_told_the_task_is_not_theirs(
    login: Any, review: Any, people: dict[str, Any]
) -> None:
    """review has no four-eyes rule: its starter alice can follow but not decide it."""
    from bpmn_engine.services.instances import instance_start

    task = open_task(instance_start(definition=review, user=people["alice"]).pk)
    response = login("alice").post(f"/tasks/{task.pk}/", {"approved": "true"}, follow=True)
    assert "You can follow this task, but it is not yours to complete." in response.content.decode()
    assert open_task(task.instance_id).state == UserTask.State.OPEN
