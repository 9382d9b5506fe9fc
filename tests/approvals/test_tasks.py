"""The task list and the task page: who sees what, completing, claiming, conflicts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bpmn_engine.models import ProcessInstance, UserTask
from tests.approvals.helpers import open_task, run_jobs

pytestmark = pytest.mark.django_db

CONFLICT = "This task was already completed by someone else."


@pytest.fixture
def start_review(review: Any, people: dict[str, Any]) -> Callable[[], UserTask]:
    """Start the one-task review process as alice; returns its open task."""
    from bpmn_engine.services.instances import instance_start

    def start() -> UserTask:
        instance = instance_start(definition=review, business_key="DOC-1", user=people["alice"])
        return open_task(instance.pk)

    return start


# --- the task list ---------------------------------------------------------------------------


def test_group_tasks_show_a_managers_task_with_its_context(login: Any, start_purchase: Any) -> None:
    instance = start_purchase(business_key="PR-42")
    task = open_task(instance.pk)
    page = login("bob").get("/inbox/group/").content.decode()
    assert f'<a href="/tasks/{task.pk}/">Manager approval</a>' in page
    assert '<td data-label="Process">Purchase request</td>' in page
    assert '<td data-label="Business key">PR-42</td>' in page
    assert "Unclaimed" in page


def test_my_tasks_point_to_the_group_queue_while_nothing_is_claimed(
    login: Any, start_purchase: Any
) -> None:
    """An unclaimed task is in Group tasks, not My tasks; the empty view says where to look."""
    start_purchase()
    page = login("bob").get("/").content.decode()
    assert "Manager approval" not in page
    hint = '1 task waits in your groups’ queue: <a href="/inbox/group/">open Group tasks</a>'
    assert hint in page


def test_task_list_shows_only_the_users_tasks(login: Any, start_purchase: Any) -> None:
    """The manager task is not in finance's or the requester's list."""
    start_purchase()
    for name in ("carol", "alice"):
        page = login(name).get("/").content.decode()
        assert "Manager approval" not in page
        assert "No tasks are waiting for you." in page


def test_task_list_shows_the_requesters_own_requests_and_their_state(
    login: Any, start_purchase: Any
) -> None:
    instance = start_purchase(business_key="PR-9")
    page = login("alice").get("/").content.decode()
    assert f'<a href="/instances/{instance.pk}/">Purchase request #{instance.pk}</a>' in page
    assert '<span class="state state-active">Active</span>' in page
    assert "My requests" in page
    assert "Purchase request #" not in login("bob").get("/").content.decode()


# --- the task page ---------------------------------------------------------------------------


def test_task_page_shows_the_task_its_request_and_its_form(login: Any, start_purchase: Any) -> None:
    instance = start_purchase(amount=1200, business_key="PR-5")
    task = open_task(instance.pk)
    page = login("bob").get(f"/tasks/{task.pk}/").content.decode()
    assert "<h1>Manager approval</h1>" in page
    assert "Check that the purchase is needed" in page, "the task's documentation"
    assert "<dd>PR-5</dd>" in page
    assert "<dd>alice</dd>" in page, "who started it"
    assert '<dt title="amount">Amount</dt><dd>1200</dd>' in page
    assert '<dt title="budgetAvailable">Budget available</dt><dd>Yes</dd>' in page
    assert "Do you approve this request?" in page
    assert 'type="radio" name="approved" value="false"' in page
    assert "Complete task" in page


def test_task_page_of_another_groups_task_is_404(login: Any, start_purchase: Any) -> None:
    """carol (finance) may not see the managers' task."""
    task = open_task(start_purchase().pk)
    assert login("carol").get(f"/tasks/{task.pk}/").status_code == 404


def test_task_page_is_open_to_every_candidate(login: Any, start_purchase: Any) -> None:
    task = open_task(start_purchase().pk)
    assert login("bella").get(f"/tasks/{task.pk}/").status_code == 200


def test_task_page_does_not_tell_strangers_whether_a_task_exists(
    login: Any, start_purchase: Any
) -> None:
    task = open_task(start_purchase().pk)
    carol = login("carol")
    existing = carol.get(f"/tasks/{task.pk}/")
    missing = carol.get("/tasks/999999/")
    assert existing.status_code == missing.status_code == 404
    assert carol.post(f"/tasks/{task.pk}/", {"approved": "true"}).status_code == 404
    assert carol.post(f"/tasks/{task.pk}/claim/").status_code == 404
    assert open_task(task.instance_id).state == UserTask.State.OPEN


def test_requester_sees_their_task_read_only(login: Any, start_purchase: Any) -> None:
    """The starter may follow the task but has no form to decide it; the page (and a
    forced POST) give the four-eyes reason."""
    task = open_task(start_purchase().pk)
    page = login("alice").get(f"/tasks/{task.pk}/").content.decode()
    assert "<h1>Manager approval</h1>" in page
    assert "Complete task" not in page
    refusal = "You started this request, so someone else must approve it"
    assert f'<p class="notice" role="note">{refusal}.</p>' in page
    response = login("alice").post(f"/tasks/{task.pk}/", {"approved": "true"}, follow=True)
    assert response.redirect_chain == [(f"/tasks/{task.pk}/", 302)]
    assert f'<li class="message error" role="alert">{refusal}</li>' in response.content.decode()
    assert open_task(task.instance_id).state == UserTask.State.OPEN


# --- completing ------------------------------------------------------------------------------


def test_decision_form_is_offered_when_the_diagram_has_no_form(
    login: Any, start_review: Any
) -> None:
    task = start_review()
    page = login("bob").get(f"/tasks/{task.pk}/").content.decode()
    assert "Read it and decide." in page
    assert 'type="radio" name="approved" value="true"' in page
    assert "<legend>Decision:</legend>" in page
    assert " Approve</label>" in page and " Reject</label>" in page
    assert '<textarea name="comment"' in page


def test_completing_with_the_decision_form_sets_approved_and_comment(
    login: Any, start_review: Any
) -> None:
    task = start_review()
    response = login("bob").post(
        f"/tasks/{task.pk}/", {"approved": "false", "comment": "Needs a summary"}, follow=True
    )
    assert response.redirect_chain == [("/", 302)]
    assert "Task “Review the document” completed." in response.content.decode()
    task.refresh_from_db()
    assert task.state == UserTask.State.COMPLETED
    assert task.completed_by == "bob"
    instance = ProcessInstance.objects.get(pk=task.instance_id)
    assert instance.state == ProcessInstance.State.COMPLETED
    variables = instance.scopes.get(parent_id__isnull=True).variables
    assert variables == {"approved": False, "comment": "Needs a summary"}


def test_decision_form_without_a_decision_is_an_error(login: Any, start_review: Any) -> None:
    task = start_review()
    response = login("bob").post(f"/tasks/{task.pk}/", {"comment": "hmm"})
    assert response.status_code == 400
    assert response.context["form"].errors == {"approved": ["This field is required."]}
    task.refresh_from_db()
    assert task.state == UserTask.State.OPEN


def test_manager_no_rejects_the_request(login: Any, start_purchase: Any) -> None:
    """ "No" on a required yes/no question is an answer, and takes the rejection path."""
    instance = start_purchase(amount=300)
    task = open_task(instance.pk)
    response = login("bob").post(f"/tasks/{task.pk}/", {"approved": "false", "comment": "No"})
    assert response.status_code == 302
    run_jobs(instance.pk)
    instance.refresh_from_db()
    assert instance.state == ProcessInstance.State.COMPLETED
    assert instance.history.filter(element_id="EndEvent_RequestRejected").exists()


def test_completing_twice_shows_the_conflict_message(login: Any, start_review: Any) -> None:
    """A double submit completes once; the second says so instead of failing."""
    task = start_review()
    bob = login("bob")
    bob.post(f"/tasks/{task.pk}/", {"approved": "true"})
    response = bob.post(f"/tasks/{task.pk}/", {"approved": "false"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [("/", 302)]
    assert CONFLICT in response.content.decode()
    task.refresh_from_db()
    assert task.submitted == {"approved": True, "comment": ""}


def test_a_colleague_completing_a_finished_task_sees_the_conflict_message(
    login: Any, start_review: Any
) -> None:
    """bob and bella both opened the task; bob was first."""
    task = start_review()
    bella = login("bella")
    assert bella.get(f"/tasks/{task.pk}/").status_code == 200
    login("bob").post(f"/tasks/{task.pk}/", {"approved": "true"})
    response = bella.post(f"/tasks/{task.pk}/", {"approved": "false"}, follow=True)
    assert CONFLICT in response.content.decode()
    task.refresh_from_db()
    assert task.completed_by == "bob"


def test_a_completion_race_lost_inside_the_service_shows_the_conflict_message(
    login: Any, start_review: Any, people: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """bella's page was open when bob completed: the service's Conflict, not a 500."""
    from approvals import views
    from bpmn_engine.services.tasks import task_complete

    task = start_review()

    def bob_completes_first(**kwargs: Any) -> Any:
        task_complete(task_id=task.pk, user=people["bob"], variables={"approved": True})
        return task_complete(**kwargs)

    monkeypatch.setattr(views, "task_complete", bob_completes_first)
    response = login("bella").post(f"/tasks/{task.pk}/", {"approved": "false"}, follow=True)
    assert response.status_code == 200
    assert CONFLICT in response.content.decode()
    task.refresh_from_db()
    assert (task.completed_by, task.submitted["approved"]) == ("bob", True)


def test_a_second_submit_of_an_empty_form_still_gets_the_conflict_message(
    login: Any, start_review: Any
) -> None:
    task = start_review()
    bob = login("bob")
    bob.post(f"/tasks/{task.pk}/", {"approved": "true"})
    response = bob.post(f"/tasks/{task.pk}/", {}, follow=True)
    assert CONFLICT in response.content.decode()


# --- claiming --------------------------------------------------------------------------------


def test_claim_assigns_the_task_and_keeps_it_from_colleagues(login: Any, start_review: Any) -> None:
    task = start_review()
    bob, bella = login("bob"), login("bella")
    response = bob.post(f"/tasks/{task.pk}/claim/", follow=True)
    assert response.redirect_chain == [(f"/tasks/{task.pk}/", 302)]
    page = response.content.decode()
    assert "You claimed “Review the document”." in page
    assert "Give back" in page
    task.refresh_from_db()
    assert task.assignee == "bob"

    assert "Review the document" not in bella.get("/inbox/group/").content.decode()
    page = bella.get(f"/tasks/{task.pk}/").content.decode()
    assert "This task is claimed by bob." in page
    assert "Complete task" not in page
    response = bella.post(f"/tasks/{task.pk}/", {"approved": "true"}, follow=True)
    assert "This task is claimed by bob." in response.content.decode()
    task.refresh_from_db()
    assert task.state == UserTask.State.OPEN


def test_claim_taken_first_by_a_colleague_shows_a_message(login: Any, start_review: Any) -> None:
    task = start_review()
    login("bob").post(f"/tasks/{task.pk}/claim/")
    response = login("bella").post(f"/tasks/{task.pk}/claim/", follow=True)
    assert "Someone else claimed or completed this task first." in response.content.decode()


def test_give_back_returns_the_task_to_the_group(login: Any, start_review: Any) -> None:
    task = start_review()
    bob = login("bob")
    bob.post(f"/tasks/{task.pk}/claim/")
    response = bob.post(f"/tasks/{task.pk}/unclaim/", follow=True)
    assert "You gave “Review the document” back to the group." in response.content.decode()
    task.refresh_from_db()
    assert task.assignee == ""
    assert "Review the document" in login("bella").get("/inbox/group/").content.decode()


def test_claim_and_complete_only_accept_post(login: Any, start_review: Any) -> None:
    task = start_review()
    bob = login("bob")
    assert bob.get(f"/tasks/{task.pk}/claim/").status_code == 405
    assert bob.get(f"/tasks/{task.pk}/unclaim/").status_code == 405
