"""Delegate/resolve as Camunda does, drafts, comments and reassignment: each change is
enforced by the services and recorded in history with who and before/after."""

from __future__ import annotations

import pytest

from bpmn_engine.handlers import HandlerContext, get_handler
from bpmn_engine.models import HistoryEvent, ProcessInstance, TaskComment, UserTask
from bpmn_engine.selectors import user_task_inbox
from bpmn_engine.services.comments import task_comment_add, task_comments
from bpmn_engine.services.errors import Conflict, InvalidInput, NotFound, NotPermitted
from bpmn_engine.services.instances import instance_start
from bpmn_engine.services.tasks import (
    task_claim,
    task_complete,
    task_delegate,
    task_reassign,
    task_resolve,
    task_save_draft,
    task_unclaim,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """make_user hashes a password; these tests need no slow hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def people(make_user):
    return {
        "alice": make_user("alice", "requesters"),
        "bob": make_user("bob", "managers"),
        "bella": make_user("bella", "managers"),
        "dave": make_user("dave"),
        "erin": make_user("erin"),
        "root": make_user("root", superuser=True),
    }


@pytest.fixture
def claimed(deployed, people):
    """A decision task of alice's request, claimed by bob."""
    instance = instance_start(
        definition=deployed("approvals_rules/decision"), variables={}, user=people["alice"]
    )
    task = UserTask.objects.get(instance=instance)
    return task_claim(task_id=task.pk, user=people["bob"])


def events(task: UserTask, name: str) -> list[HistoryEvent]:
    return list(
        HistoryEvent.objects.filter(instance_id=task.instance_id, event=name).order_by("id")
    )


def test_delegating_makes_the_assignee_owner_and_the_delegate_assignee(claimed, people):
    task = task_delegate(task_id=claimed.pk, user=people["bob"], to_user="dave")
    stored = UserTask.objects.get(pk=claimed.pk)
    assert (stored.owner, stored.assignee, stored.delegation_state) == ("bob", "dave", "pending")
    assert task.assignee == "dave"
    (event,) = events(claimed, "task_delegated")
    assert event.user == "bob"
    assert event.data["before"] == {"assignee": "bob", "owner": "", "delegation_state": ""}
    assert event.data["after"] == {
        "assignee": "dave",
        "owner": "bob",
        "delegation_state": "pending",
    }
    assert list(user_task_inbox(user=people["dave"])) == [stored]
    assert list(user_task_inbox(user=people["bob"])) == []


def test_a_user_object_is_accepted_as_the_delegate(claimed, people):
    task_delegate(task_id=claimed.pk, user=people["bob"], to_user=people["dave"])
    assert UserTask.objects.get(pk=claimed.pk).assignee == "dave"


def test_nobody_completes_a_pending_delegation(claimed, people):
    task_delegate(task_id=claimed.pk, user=people["bob"], to_user="dave")
    with pytest.raises(NotPermitted, match="bob delegated 'Decide' to you: resolve it"):
        task_complete(task_id=claimed.pk, user=people["dave"])
    with pytest.raises(NotPermitted, match="delegated to dave; it can be completed once"):
        task_complete(task_id=claimed.pk, user=people["bob"])
    with pytest.raises(NotPermitted, match="delegated to dave"):
        task_complete(task_id=claimed.pk, user=people["root"])
    with pytest.raises(NotPermitted, match="resolve it to hand it back"):
        task_unclaim(task_id=claimed.pk, user=people["dave"])
    assert UserTask.objects.get(pk=claimed.pk).state == "open"


def test_resolving_hands_back_to_the_owner_with_a_draft_and_does_not_complete(claimed, people):
    task_delegate(task_id=claimed.pk, user=people["bob"], to_user="dave")
    task_resolve(
        task_id=claimed.pk, user=people["dave"], variables={"approved": True, "comment": "fine"}
    )
    stored = UserTask.objects.get(pk=claimed.pk)
    assert (stored.assignee, stored.owner, stored.delegation_state) == ("bob", "bob", "resolved")
    assert stored.draft == {"approved": True, "comment": "fine"}
    assert stored.state == "open"
    (event,) = events(claimed, "task_resolved")
    assert event.user == "dave" and event.data["draft"] == ["approved", "comment"]
    with pytest.raises(NotFound):
        task_complete(task_id=claimed.pk, user=people["dave"])
    task_complete(task_id=claimed.pk, user=people["bob"], variables=stored.draft)
    assert ProcessInstance.objects.get(pk=claimed.instance_id).state == "completed"


def test_only_the_assignee_or_owner_may_delegate_to_an_active_user(claimed, people):
    with pytest.raises(NotPermitted, match="Only the assignee or owner of 'Decide'"):
        task_delegate(task_id=claimed.pk, user=people["bella"], to_user="dave")
    with pytest.raises(InvalidInput, match="There is no active user 'nobody'"):
        task_delegate(task_id=claimed.pk, user=people["bob"], to_user="nobody")
    people["erin"].is_active = False
    people["erin"].save()
    with pytest.raises(InvalidInput, match="There is no active user 'erin'"):
        task_delegate(task_id=claimed.pk, user=people["bob"], to_user="erin")
    assert UserTask.objects.get(pk=claimed.pk).delegation_state == ""


def test_the_owner_can_redelegate_and_the_owner_stays(claimed, people):
    task_delegate(task_id=claimed.pk, user=people["bob"], to_user="dave")
    task_delegate(task_id=claimed.pk, user=people["bob"], to_user="erin")
    stored = UserTask.objects.get(pk=claimed.pk)
    assert (stored.owner, stored.assignee) == ("bob", "erin")
    with pytest.raises(NotFound):
        task_resolve(task_id=claimed.pk, user=people["dave"])
    with pytest.raises(Conflict, match="not waiting for a delegate"):
        task_resolve(
            task_id=task_resolve(task_id=claimed.pk, user=people["erin"]).pk, user=people["bob"]
        )


def test_a_draft_is_saved_without_completing_and_checked_like_variables(claimed, people):
    task_save_draft(task_id=claimed.pk, user=people["bob"], values={"comment": "half"})
    stored = UserTask.objects.get(pk=claimed.pk)
    assert stored.draft == {"comment": "half"} and stored.state == "open"
    (event,) = events(claimed, "task_draft_saved")
    assert (event.user, event.data["before"], event.data["after"]) == ("bob", [], ["comment"])
    with pytest.raises(InvalidInput, match="Invalid variable name '_secret'"):
        task_save_draft(task_id=claimed.pk, user=people["bob"], values={"_secret": 1})
    with pytest.raises(NotPermitted, match="You may not work on 'Decide'"):
        task_save_draft(task_id=claimed.pk, user=people["bella"], values={"comment": "x"})
    assert UserTask.objects.get(pk=claimed.pk).draft == {"comment": "half"}


def test_claim_and_unclaim_record_before_and_after(claimed, people):
    task_unclaim(task_id=claimed.pk, user=people["bob"])
    (claim,) = events(claimed, "task_claimed")
    (unclaim,) = events(claimed, "task_unclaimed")
    assert (claim.user, claim.data["before"], claim.data["after"]) == (
        "bob",
        {"assignee": ""},
        {"assignee": "bob"},
    )
    assert unclaim.data["before"] == {"assignee": "bob"} and unclaim.data["after"] == {
        "assignee": ""
    }


def test_comments_are_for_those_who_see_the_task_and_go_to_history(claimed, people):
    comment = task_comment_add(task_id=claimed.pk, user=people["alice"], text="  Urgent please ")
    task_comment_add(task_id=claimed.pk, user=people["bella"], text="On it")
    assert comment.text == "Urgent please" and comment.user == "alice"
    assert [(c.user, c.text) for c in task_comments(task=claimed)] == [
        ("alice", "Urgent please"),
        ("bella", "On it"),
    ]
    assert [e.data["text"] for e in events(claimed, "task_commented")] == ["Urgent please", "On it"]
    with pytest.raises(NotFound):
        task_comment_add(task_id=claimed.pk, user=people["dave"], text="hello?")
    with pytest.raises(InvalidInput, match="A comment needs some text"):
        task_comment_add(task_id=claimed.pk, user=people["bob"], text="   ")
    assert TaskComment.objects.count() == 2


def test_reassign_changes_the_assignee_adds_candidates_and_records_before_after(claimed, people):
    task_reassign(task_id=claimed.pk, assignee="dave", add_candidate_groups=["finance", "managers"])
    stored = UserTask.objects.get(pk=claimed.pk)
    assert stored.assignee == "dave"
    assert sorted(stored.candidates.values_list("user", "group")) == [
        ("", "finance"),
        ("", "managers"),
    ]
    (event,) = events(claimed, "task_reassigned")
    assert event.user == ""
    assert event.data["before"]["assignee"] == "bob"
    assert event.data["after"]["assignee"] == "dave"
    assert event.data["before"]["candidate_groups"] == ["managers"]
    assert event.data["after"]["candidate_groups"] == ["managers", "finance"]


def test_reassign_by_a_person_needs_an_operator(claimed, people):
    with pytest.raises(NotPermitted, match="Only operators can reassign tasks"):
        task_reassign(task_id=claimed.pk, assignee="dave", user=people["bob"])
    task_reassign(task_id=claimed.pk, assignee="", user=people["root"])
    assert UserTask.objects.get(pk=claimed.pk).assignee == ""
    assert events(claimed, "task_reassigned")[0].user == "root"


def test_reassigning_a_closed_task_is_a_conflict(claimed, people):
    task_complete(task_id=claimed.pk, user=people["bob"])
    with pytest.raises(Conflict, match="already completed"):
        task_reassign(task_id=claimed.pk, add_candidate_users=["dave"])


def test_an_escalation_handler_reassigns_the_still_open_task(deployed, people):
    """The modelled escalation step (a service task) widens the open task to managers
    and hands it to the person in ``escalateTo``."""
    instance = instance_start(
        definition=deployed("approvals_rules/escalation"), variables={"escalateTo": "bella"}
    )
    task = UserTask.objects.get(instance=instance)
    assert task.assignee == "dave"
    handler = get_handler("rules-escalate")
    assert handler is not None
    context = HandlerContext(
        instance_id=instance.pk,
        business_key="",
        element_id="escalate",
        topic="rules-escalate",
        job_id=1,
        attempt=1,
        variables={"escalateTo": "bella"},
    )
    assert handler(context) == {"escalatedTasks": [task.pk]}
    stored = UserTask.objects.get(pk=task.pk)
    assert stored.assignee == "bella"
    assert list(stored.candidates.values_list("group", flat=True)) == ["managers"]
    (event,) = events(task, "task_reassigned")
    assert (event.data["before"]["assignee"], event.data["after"]["assignee"]) == ("dave", "bella")
    task_complete(task_id=task.pk, user=people["bella"])
