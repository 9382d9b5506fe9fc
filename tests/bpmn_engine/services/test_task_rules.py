"""Four-eyes rules (``baton.fourEyes``, ``baton.distinctApprovers``) enforced by the task
services, and mirrored by the inbox so refused tasks are not offered."""

from __future__ import annotations

from typing import Any

import pytest

from bpmn_engine.models import HistoryEvent, ProcessInstance, UserTask
from bpmn_engine.selectors import user_task_inbox
from bpmn_engine.services.errors import NotPermitted
from bpmn_engine.services.instances import instance_start
from bpmn_engine.services.task_rules import TaskRules
from bpmn_engine.services.tasks import (
    task_can_act,
    task_claim,
    task_complete,
    task_delegate,
    task_reassign,
    task_save_draft,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """make_user hashes a password; these tests need no slow hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


STARTER = "You started this request, so someone else must approve it"
REPEAT = "You already completed another approval of this request"


@pytest.fixture
def people(make_user):
    """alice requests and is a manager too (the case four-eyes exists for)."""
    return {
        "alice": make_user("alice", "managers", "requesters"),
        "bob": make_user("bob", "managers"),
        "bella": make_user("bella", "managers"),
        "root": make_user("root", superuser=True),
    }


def start(definition: Any, user: Any) -> tuple[Any, UserTask]:
    instance = instance_start(definition=definition, variables={}, user=user)
    return instance, UserTask.objects.get(instance=instance, state="open")


def open_task(instance: Any) -> UserTask:
    return UserTask.objects.get(instance=instance, state="open")


def test_rules_are_read_from_properties_and_distinct_follows_four_eyes() -> None:
    assert TaskRules.from_properties({}) == TaskRules(False, False)
    assert TaskRules.from_properties({"baton.fourEyes": "true"}) == TaskRules(True, True)
    assert TaskRules.from_properties(
        {"baton.fourEyes": "TRUE", "baton.distinctApprovers": "false"}
    ) == TaskRules(True, False)
    assert TaskRules.from_properties({"baton.distinctApprovers": "true"}) == TaskRules(False, True)
    assert TaskRules.from_properties({"baton.fourEyes": "yes please"}).four_eyes, (
        "an unclear value fails closed"
    )


def test_the_requester_may_not_complete_their_own_request(deployed, people):
    instance, task = start(deployed("approvals_rules/four_eyes"), people["alice"])
    with pytest.raises(NotPermitted, match=STARTER):
        task_complete(task_id=task.pk, user=people["alice"], variables={"approved": True})
    task.refresh_from_db()
    assert task.state == "open"
    assert not HistoryEvent.objects.filter(instance=instance, event="task_completed").exists()


def test_the_requester_may_not_claim_and_superusers_are_no_exception(deployed, people):
    _, task = start(deployed("approvals_rules/four_eyes"), people["root"])
    with pytest.raises(NotPermitted, match=STARTER):
        task_claim(task_id=task.pk, user=people["root"])
    with pytest.raises(NotPermitted, match=STARTER):
        task_complete(task_id=task.pk, user=people["root"])
    assert UserTask.objects.get(pk=task.pk).assignee == ""


def test_one_person_may_not_approve_two_steps_of_the_same_request(deployed, people):
    instance, first = start(deployed("approvals_rules/four_eyes"), people["alice"])
    task_complete(task_id=first.pk, user=people["bob"])
    second = open_task(instance)
    assert second.element_id == "second"
    with pytest.raises(NotPermitted, match=REPEAT):
        task_claim(task_id=second.pk, user=people["bob"])
    with pytest.raises(NotPermitted, match=REPEAT):
        task_complete(task_id=second.pk, user=people["bob"])
    task_complete(task_id=second.pk, user=people["bella"])
    instance.refresh_from_db()
    assert instance.state == ProcessInstance.State.COMPLETED


def test_distinct_approvers_can_be_switched_off_leaving_the_starter_rule(deployed, people):
    definition = deployed("approvals_rules/starter_rule_only")
    instance, first = start(definition, people["alice"])
    with pytest.raises(NotPermitted, match=STARTER):
        task_complete(task_id=first.pk, user=people["alice"])
    task_complete(task_id=first.pk, user=people["bob"])
    task_complete(task_id=open_task(instance).pk, user=people["bob"])
    instance.refresh_from_db()
    assert instance.state == ProcessInstance.State.COMPLETED


def test_rules_apply_across_instances_only_within_one_request(deployed, people):
    """bob approving alice's request does not stop him approving another request."""
    definition = deployed("approvals_rules/four_eyes")
    first_request, task = start(definition, people["alice"])
    task_complete(task_id=task.pk, user=people["bob"])
    _, other = start(definition, people["bella"])
    task_complete(task_id=other.pk, user=people["bob"])
    assert open_task(first_request).element_id == "second"


def test_the_inbox_hides_what_the_rules_refuse(deployed, people):
    instance, first = start(deployed("approvals_rules/four_eyes"), people["alice"])
    assert list(user_task_inbox(user=people["alice"])) == []
    assert list(user_task_inbox(user=people["bob"])) == [first]
    assert task_can_act(first, people["bob"]) and not task_can_act(first, people["alice"])
    task_complete(task_id=first.pk, user=people["bob"])
    second = open_task(instance)
    assert list(user_task_inbox(user=people["bob"])) == []
    assert list(user_task_inbox(user=people["bella"])) == [second]
    assert list(user_task_inbox(user=people["alice"])) == []


def test_the_inbox_keeps_tasks_of_diagrams_without_rules(deployed, people):
    instance = instance_start(
        definition=deployed("services/user_task"), variables={"reviewer": "x"}, user=people["alice"]
    )
    assert [t.instance_id for t in user_task_inbox(user=people["alice"])] == [instance.pk]


def test_drafts_and_delegation_respect_the_rules(deployed, people):
    instance, first = start(deployed("approvals_rules/four_eyes"), people["alice"])
    with pytest.raises(NotPermitted, match=STARTER):
        task_save_draft(task_id=first.pk, user=people["alice"], values={"approved": True})
    task_claim(task_id=first.pk, user=people["bob"])
    with pytest.raises(NotPermitted, match="alice started this request, so it cannot be given"):
        task_delegate(task_id=first.pk, user=people["bob"], to_user="alice")
    with pytest.raises(NotPermitted, match="alice started this request, so it cannot be given"):
        task_reassign(task_id=first.pk, assignee="alice")
    assert UserTask.objects.get(pk=first.pk).assignee == "bob"


def test_the_demo_purchase_request_applies_four_eyes_to_both_approvals(deployed, make_user):
    """In the shipped diagram a requester who is also a manager cannot approve their own
    request, and a manager who is also in finance cannot approve it twice."""
    from tests.test_shipped_diagrams import run_jobs

    alice = make_user("alice", "requesters", "managers")
    bob = make_user("bob", "managers", "finance")
    carol = make_user("carol", "finance")
    instance = instance_start(
        definition=deployed("purchase_request"),
        variables={"amount": 5000, "description": "Laptop"},
        user=alice,
    )
    run_jobs(instance.pk)
    manager_task = open_task(instance)
    with pytest.raises(NotPermitted, match=STARTER):
        task_complete(task_id=manager_task.pk, user=alice, variables={"approved": True})
    task_complete(task_id=manager_task.pk, user=bob, variables={"approved": True})
    finance_task = open_task(instance)
    assert finance_task.element_id == "Task_FinanceApproval"
    with pytest.raises(NotPermitted, match=REPEAT):
        task_complete(task_id=finance_task.pk, user=bob, variables={"approved": True})
    assert list(user_task_inbox(user=bob)) == []
    task_complete(task_id=finance_task.pk, user=carol, variables={"approved": True})
