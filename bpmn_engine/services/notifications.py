"""Email about tasks: one message when a task reaches someone, and a daily digest.

A task *reaches* a user when it is assigned to them (creation, delegation, resolution,
reassignment) or when it is open to them as a candidate, directly or through one of
their Django groups. Only active users with an email address are written to, never the
person whose own action caused it, and never someone the four-eyes rules keep off the
task.

Messages leave after the step's transaction commits (``transaction.on_commit``), so a
rolled-back step sends nothing and no step waits for a mail server. Each user hears
about a task at most once: the recipients are recorded as a ``task_notified`` history
event under the instance lock *before* sending, so two concurrent notifiers cannot both
send, and a failed send is logged rather than retried (a missed email is better than a
stream of duplicates; the daily digest lists every pending task anyway).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bpmn_engine import clock
from bpmn_engine.models import (
    DigestDelivery,
    HistoryEvent,
    ProcessInstance,
    TaskCandidate,
    UserTask,
)
from bpmn_engine.selectors import user_task_inbox
from bpmn_engine.services.task_rules import task_rule_refusal

logger = logging.getLogger(__name__)

NOTIFIED = "task_notified"
DIGEST_LIMIT = 50
"""Tasks listed in one digest; the link to the inbox shows the rest."""


def base_url() -> str:
    return str(getattr(settings, "BATON_BASE_URL", "http://127.0.0.1:8000")).rstrip("/")


def task_url(task_id: int) -> str:
    """The absolute link to a task's page, for messages read outside the browser."""
    return f"{base_url()}/tasks/{task_id}/"


def notify_on_commit(task_ids: Sequence[int], *, actor: str = "") -> None:
    """Email the users the tasks reach, once the current transaction has committed."""
    ids = list(task_ids)
    if ids:
        transaction.on_commit(lambda: notify_tasks(ids, actor=actor))


def notify_tasks(task_ids: Iterable[int], *, actor: str = "") -> int:
    """Send the task emails now; returns how many were sent. Never raises: the step
    that called for them has committed, and a mail problem must not look like its
    failure."""
    ids = list(task_ids)
    try:
        if not _anyone_reached(ids):
            return 0
    except Exception:
        logger.exception("Could not look up who tasks %s reach", ids)
        return 0
    sent = 0
    for task in UserTask.objects.filter(pk__in=ids).select_related("instance__definition"):
        try:
            sent += _notify_task(task, actor=actor)
        except Exception:
            logger.exception("Could not send the notification for task %s", task.pk)
    return sent


def _anyone_reached(task_ids: list[int]) -> bool:
    """Whether any of the open tasks reaches an active user with an address: one query,
    so steps whose tasks reach nobody to write to (the common case in a batch system,
    and the engine's benchmark) pay one round trip after commit and no more."""
    user_model = get_user_model()
    name = user_model.USERNAME_FIELD
    member_of = Group.objects.filter(user=OuterRef(OuterRef("pk"))).values("name")
    as_assignee = UserTask.objects.filter(
        pk__in=task_ids, state=UserTask.State.OPEN, assignee=OuterRef(name)
    )
    as_candidate = TaskCandidate.objects.filter(
        task_id__in=task_ids, task__state=UserTask.State.OPEN, task__assignee=""
    ).filter(Q(user=OuterRef(name)) | Q(group__in=member_of))
    return (
        user_model.objects.filter(is_active=True)
        .exclude(email="")
        .filter(Exists(as_assignee) | Exists(as_candidate))
        .exists()
    )


def _reached_users(task: UserTask) -> list[object]:
    """Active users with an email address the task is open to, by name or group."""
    if task.state != UserTask.State.OPEN:
        return []
    if task.assignee:
        names, groups = {task.assignee}, set()
    else:
        candidates = list(task.candidates.all())
        names = {c.user for c in candidates if c.user}
        groups = {c.group for c in candidates if c.group}
    if not names and not groups:
        return []
    user_model = get_user_model()
    reach = Q(**{f"{user_model.USERNAME_FIELD}__in": names})
    if groups:
        reach |= Q(groups__name__in=groups)
    return list(user_model.objects.filter(reach, is_active=True).exclude(email="").distinct())


def _notify_task(task: UserTask, *, actor: str) -> int:
    users = [u for u in _reached_users(task) if u.get_username() != actor]  # type: ignore[attr-defined]
    users = [u for u in users if task_rule_refusal(task, u.get_username()) is None]  # type: ignore[attr-defined]
    if not users:
        return 0
    with transaction.atomic():
        ProcessInstance.objects.select_for_update().filter(pk=task.instance_id).first()
        done: set[str] = set()
        for data in HistoryEvent.objects.filter(
            instance_id=task.instance_id, event=NOTIFIED, data__task_id=task.pk
        ).values_list("data", flat=True):
            done.update(data.get("recipients", []))
        users = [u for u in users if u.get_username() not in done]  # type: ignore[attr-defined]
        if not users:
            return 0
        HistoryEvent.objects.create(
            instance_id=task.instance_id,
            event=NOTIFIED,
            element_id=task.element_id,
            token_id=task.token_id,
            data={
                "task_id": task.pk,
                "task": task.name,
                "recipients": sorted(u.get_username() for u in users),  # type: ignore[attr-defined]
            },
            timestamp=clock.now(),
        )
    messages = [_task_message(task, user) for user in users]
    return get_connection().send_messages(messages) or 0


def _request_label(instance: ProcessInstance) -> str:
    label = f"{instance.definition.name or instance.definition.key} #{instance.pk}"
    return f"{label} ({instance.business_key})" if instance.business_key else label


def _task_message(task: UserTask, user: object) -> EmailMessage:
    name = user.get_username()  # type: ignore[attr-defined]
    request = _request_label(task.instance)
    if task.assignee == name:
        why = _("It is assigned to you.")
    else:
        why = _("You can claim it: it is open to you as a candidate.")
    lines = [
        _("Hello %(name)s,") % {"name": name},
        "",
        _("The task “%(task)s” of %(request)s is waiting for you.")
        % {"task": task.name, "request": request},
        why,
    ]
    if task.due_at is not None:
        lines.append(_("Due: %(due)s") % {"due": f"{task.due_at:%Y-%m-%d %H:%M} UTC"})
    lines += ["", _("Open it: %(url)s") % {"url": task_url(task.pk)}]
    return EmailMessage(
        subject=_("Task: %(task)s (%(request)s)") % {"task": task.name, "request": request},
        body="\n".join(lines) + "\n",
        to=[user.email],  # type: ignore[attr-defined]
    )


def notifications_send_digest(*, now: datetime | None = None) -> int:
    """Email every active user with an address the list of tasks waiting for them
    (their inbox, as ``user_task_inbox`` gives it); returns the number of emails sent.

    Users with nothing pending get nothing. Overdue tasks are marked, using ``now``
    (the engine clock by default). Safe to run twice: each user's digest for the day is
    claimed as a ``DigestDelivery`` row before it is sent, so a second run the same
    (UTC) day sends nothing; a failed send gives the claim back so a retry can send it.
    """
    now = now or clock.now()
    day = now.astimezone(UTC).date()
    already = set(DigestDelivery.objects.filter(day=day).values_list("user_id", flat=True))
    connection = get_connection()
    sent = 0
    for user in get_user_model().objects.filter(is_active=True).exclude(email=""):
        if user.pk in already:
            continue
        tasks = list(
            user_task_inbox(user=user).order_by("due_at", "-priority", "created_at")[
                : DIGEST_LIMIT + 1
            ]
        )
        if tasks and _digest_claim(user.pk, day, now):
            try:
                sent += connection.send_messages([_digest_message(user, tasks, now)]) or 0
            except Exception:
                logger.exception("digest for %s not sent; it will be retried", user.pk)
                DigestDelivery.objects.filter(user_id=user.pk, day=day).delete()
    return sent


def _digest_claim(user_id: int, day: date, now: datetime) -> bool:
    """Claim the day's digest for one user; False when another run already did."""
    with transaction.atomic():
        _, created = DigestDelivery.objects.get_or_create(
            user_id=user_id, day=day, defaults={"sent_at": now}
        )
    return created


def _digest_message(user: object, tasks: list[UserTask], now: datetime) -> EmailMessage:
    shown = tasks[:DIGEST_LIMIT]
    lines = [_("Hello %(name)s,") % {"name": user.get_username()}, ""]  # type: ignore[attr-defined]
    lines.append(_("These tasks are waiting for you:"))
    lines.append("")
    for task in shown:
        overdue = task.due_at is not None and task.due_at < now
        mark = _("OVERDUE ") if overdue else ""
        lines.append(f"- {mark}{task.name} — {_request_label(task.instance)}")
        lines.append(f"  {task_url(task.pk)}")
    if len(tasks) > DIGEST_LIMIT:
        lines += ["", _("…and more: see your inbox at %(url)s") % {"url": f"{base_url()}/"}]
    count = len(shown)
    subject = ngettext(
        "Baton: %(count)s task is waiting for you",
        "Baton: %(count)s tasks are waiting for you",
        count,
    ) % {"count": f"{count}+" if len(tasks) > DIGEST_LIMIT else count}
    return EmailMessage(
        subject=subject,
        body="\n".join(lines) + "\n",
        to=[user.email],  # type: ignore[attr-defined]
    )
