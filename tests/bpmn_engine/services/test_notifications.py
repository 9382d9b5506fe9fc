"""Task emails: sent after commit to the people a task reaches, at most once per task and
person, with an absolute link; and the daily digest (service, Celery task, command)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from bpmn_engine import clock
from bpmn_engine.models import HistoryEvent, UserTask
from bpmn_engine.services.instances import instance_start
from bpmn_engine.services.notifications import notifications_send_digest, notify_tasks
from bpmn_engine.services.tasks import (
    task_claim,
    task_delegate,
    task_reassign,
    task_resolve,
    task_unclaim,
)
from bpmn_engine.tasks import send_digest

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def people(make_user):
    """Everyone has an address but mute (none) and gone (inactive); alice requests and
    manages too."""
    users = {
        "alice": make_user("alice", "managers", "requesters"),
        "bob": make_user("bob", "managers"),
        "bella": make_user("bella", "managers"),
        "dave": make_user("dave"),
        "mute": make_user("mute", "managers"),
        "gone": make_user("gone", "managers"),
    }
    for name, user in users.items():
        user.email = "" if name == "mute" else f"{name}@example.com"
        user.is_active = name != "gone"
        user.save()
    return users


def start(deployed: Any, diagram: str, user: Any, capture: Any) -> tuple[Any, UserTask]:
    with capture(execute=True):
        instance = instance_start(definition=deployed(diagram), variables={}, user=user)
    return instance, UserTask.objects.get(instance=instance, state="open")


def recipients(mailoutbox: Any) -> list[str]:
    return sorted(address for message in mailoutbox for address in message.to)


def test_a_new_group_task_emails_the_members_with_a_link_after_commit(
    deployed, people, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        instance = instance_start(
            definition=deployed("approvals_rules/decision"), variables={}, user=people["dave"]
        )
        assert mailoutbox == [], "nothing is sent inside the step's transaction"
    assert mailoutbox == []
    for callback in callbacks:
        callback()
    task = UserTask.objects.get(instance=instance)
    assert recipients(mailoutbox) == [
        "alice@example.com",
        "bella@example.com",
        "bob@example.com",
    ], "active members with an address; not the starter dave, who is no candidate anyway"
    message = next(m for m in mailoutbox if m.to == ["bob@example.com"])
    assert message.subject == f"Task: Decide (Decision #{instance.pk})"
    assert f"http://127.0.0.1:8000/tasks/{task.pk}/" in message.body
    assert "You can claim it" in message.body
    (event,) = HistoryEvent.objects.filter(instance=instance, event="task_notified")
    assert event.data["recipients"] == ["alice", "bella", "bob"]


def test_the_link_uses_the_base_url_setting(
    deployed, people, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.BATON_BASE_URL = "https://baton.example.com/"
    _, task = start(
        deployed, "approvals_rules/decision", people["dave"], django_capture_on_commit_callbacks
    )
    assert all(f"https://baton.example.com/tasks/{task.pk}/" in m.body for m in mailoutbox)


def test_the_requester_of_a_four_eyes_task_is_not_asked_to_approve_it(
    deployed, people, mailoutbox, django_capture_on_commit_callbacks
):
    start(
        deployed, "approvals_rules/four_eyes", people["alice"], django_capture_on_commit_callbacks
    )
    assert recipients(mailoutbox) == ["bella@example.com", "bob@example.com"]


def test_nobody_hears_twice_about_a_task_and_the_actor_never(
    deployed, people, mailoutbox, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    _, task = start(deployed, "approvals_rules/decision", people["dave"], capture)
    assert len(mailoutbox) == 3
    assert notify_tasks([task.pk]) == 0, "a second run sends nothing"
    with capture(execute=True):
        task_claim(task_id=task.pk, user=people["bob"])
    with capture(execute=True):
        task_unclaim(task_id=task.pk, user=people["bob"])
    assert len(mailoutbox) == 3, "claim and give back reach nobody new"
    with capture(execute=True):
        task_claim(task_id=task.pk, user=people["bob"])
    with capture(execute=True):
        task_delegate(task_id=task.pk, user=people["bob"], to_user="dave")
    assert recipients(mailoutbox[3:]) == ["dave@example.com"]
    assert "It is assigned to you." in mailoutbox[3].body
    with capture(execute=True):
        task_resolve(task_id=task.pk, user=people["dave"])
    assert len(mailoutbox) == 4, "bob heard about this task already"


def test_reassignment_emails_the_new_assignee(
    deployed, people, mailoutbox, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    _, task = start(deployed, "approvals_rules/decision", people["dave"], capture)
    mailoutbox.clear()
    with capture(execute=True):
        task_reassign(task_id=task.pk, assignee="dave")
    assert recipients(mailoutbox) == ["dave@example.com"]
    assert "It is assigned to you." in mailoutbox[0].body


def test_a_rolled_back_step_sends_nothing(
    deployed, people, mailoutbox, django_capture_on_commit_callbacks
):
    definition = deployed("approvals_rules/decision")
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            instance_start(definition=definition, variables={}, user=people["dave"])
            raise RuntimeError("the caller's own write failed")
    assert mailoutbox == []
    assert not UserTask.objects.exists()


def test_the_digest_lists_each_users_pending_tasks_and_marks_overdue(deployed, people, mailoutbox):
    definition = deployed("approvals_rules/decision")
    first = instance_start(definition=definition, variables={}, business_key="PR-7")
    instance_start(definition=definition, variables={})
    late = UserTask.objects.get(instance=first)
    UserTask.objects.filter(pk=late.pk).update(due_at=clock.now() - timedelta(days=1))
    task_claim(task_id=late.pk, user=people["bob"])

    assert notifications_send_digest() == 3
    by_user = {m.to[0]: m for m in mailoutbox}
    assert sorted(by_user) == ["alice@example.com", "bella@example.com", "bob@example.com"]
    bob = by_user["bob@example.com"]
    assert bob.subject == "Baton: 2 tasks are waiting for you"
    assert f"- OVERDUE Decide — Decision #{first.pk} (PR-7)" in bob.body
    assert f"http://127.0.0.1:8000/tasks/{late.pk}/" in bob.body
    assert by_user["bella@example.com"].subject == "Baton: 1 task is waiting for you"
    assert "dave@example.com" not in by_user, "nothing pending, no email"


def test_the_digest_runs_from_celery_beat_and_from_the_command(deployed, people, mailoutbox):
    instance_start(definition=deployed("approvals_rules/decision"), variables={})
    assert settings.CELERY_BEAT_SCHEDULE["send-digest"]["task"] == "bpmn_engine.tasks.send_digest"
    out = StringIO()
    call_command("send_digest", stdout=out)
    assert out.getvalue().strip() == "Sent 3 digest email(s)."
    assert len(mailoutbox) == 3


def test_the_digest_goes_out_once_per_user_and_day(deployed, people, mailoutbox):
    """Beat firing twice (two schedulers, a retried task, the command after the
    schedule) sends nothing more the same day; the next day it goes out again."""
    instance_start(definition=deployed("approvals_rules/decision"), variables={})
    assert send_digest() == 3
    assert send_digest() == 0
    assert notifications_send_digest() == 0
    assert len(mailoutbox) == 3
    assert notifications_send_digest(now=clock.now() + timedelta(days=1)) == 3
    assert len(mailoutbox) == 6


def test_a_digest_that_fails_to_send_is_sent_by_the_next_run(
    deployed, people, mailoutbox, settings
):
    instance_start(definition=deployed("approvals_rules/decision"), variables={})
    settings.EMAIL_BACKEND = "tests.bpmn_engine.services.failing_mail.FailingBackend"
    assert notifications_send_digest() == 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notifications_send_digest() == 3
    assert sorted(m.to[0] for m in mailoutbox) == [
        "alice@example.com",
        "bella@example.com",
        "bob@example.com",
    ]


def test_a_task_that_reaches_nobody_with_an_address_costs_one_query(
    deployed, make_user, mailoutbox, django_assert_num_queries
):
    """The notifier runs after every step that opens a task; when nobody it reaches has
    an address (batch users, the benchmark) it stops after one query."""
    make_user("bob", "managers")
    instance = instance_start(definition=deployed("approvals_rules/decision"), variables={})
    task = UserTask.objects.get(instance=instance)
    with django_assert_num_queries(1):
        assert notify_tasks([task.pk]) == 0
    assert mailoutbox == []
