"""The inbox: four views of a user's tasks, with search, filters, sort and counts.

Every view starts from a queryset that already encodes who may see what, so a filter can
only narrow it: *My tasks* and *Group tasks* come from the engine's ``user_task_inbox``
(the tasks the user may act on), *Involved* from the instances the user started, and
*Completed by me* from the tasks the user completed.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import reduce
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bpmn_engine import clock
from bpmn_engine.models import ProcessDefinition, UserTask
from bpmn_engine.selectors import user_task_inbox
from bpmn_engine.services.identity import username_of

PAGE_SIZE = 20

VIEWS: Mapping[str, Any] = {
    "mine": _("My tasks"),
    "group": _("Group tasks"),
    "involved": _("Involved"),
    "completed": _("Completed by me"),
}
"""The inbox views, in navigation order, with their labels."""

SORTS: Mapping[str, tuple[str, ...]] = {
    "due": ("due_at", "-priority", "created_at"),
    "priority": ("-priority", "due_at", "created_at"),
    "created": ("-created_at",),
    "oldest": ("created_at",),
}
"""Sort keys a person can pick; ``due`` puts tasks without a due date last (NULLS LAST
is PostgreSQL's default for ascending order)."""

PRIORITY_RANGES: Mapping[str, Q] = {
    "high": Q(priority__gt=50),
    "normal": Q(priority=50),
    "low": Q(priority__lt=50),
}


def _base(view: str, user: AbstractBaseUser) -> QuerySet[UserTask]:
    name = username_of(user)
    if view == "mine":
        return user_task_inbox(user=user).filter(assignee=name)
    if view == "group":
        return user_task_inbox(user=user).filter(assignee="")
    if view == "involved":
        return UserTask.objects.filter(
            state=UserTask.State.OPEN, instance__started_by=name
        ).exclude(instance__started_by="")
    return UserTask.objects.filter(state=UserTask.State.COMPLETED, completed_by=name).exclude(
        completed_by=""
    )


def inbox_counts(*, user: AbstractBaseUser) -> dict[str, int]:
    """How many tasks each view holds, for the navigation (before any filter)."""
    return {view: _base(view, user).count() for view in VIEWS}


@dataclass(frozen=True)
class InboxQuery:
    """What the filter form asked for; empty values mean "no filter"."""

    view: str = "mine"
    q: str = ""
    process: str = ""
    due_from: date | None = None
    due_to: date | None = None
    priority: str = ""
    sort: str = "due"


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def inbox_tasks(*, user: AbstractBaseUser, query: InboxQuery) -> QuerySet[UserTask]:
    """The tasks of ``query.view`` narrowed by search and filters, in the chosen order."""
    tasks = _base(query.view if query.view in VIEWS else "mine", user)
    if query.q:
        tasks = tasks.filter(
            Q(name__icontains=query.q)
            | Q(instance__definition__name__icontains=query.q)
            | Q(instance__definition__key__icontains=query.q)
            | Q(instance__business_key__icontains=query.q)
        )
    if query.process:
        tasks = tasks.filter(instance__definition__key=query.process)
    if query.due_from:
        tasks = tasks.filter(due_at__gte=_day_start(query.due_from))
    if query.due_to:
        tasks = tasks.filter(due_at__lt=_day_start(query.due_to) + timedelta(days=1))
    if query.priority in PRIORITY_RANGES:
        tasks = tasks.filter(PRIORITY_RANGES[query.priority])
    order = SORTS.get(query.sort, SORTS["due"])
    return tasks.select_related("instance__definition").order_by(*order, "pk")


def inbox_page(*, user: AbstractBaseUser, query: InboxQuery, page_number: Any) -> Page[UserTask]:
    """One page of ``inbox_tasks``; an out-of-range page number gives the last page."""
    return Paginator(inbox_tasks(user=user, query=query), PAGE_SIZE).get_page(page_number)


def inbox_processes(*, user: AbstractBaseUser) -> list[tuple[str, str]]:
    """(key, name) of the processes that have tasks in any of the user's views.

    Asked per definition (``EXISTS``, which stops at the first task found) rather than
    as a ``DISTINCT`` over every task the views hold: with 10,000 tasks in a user's
    inbox the ``DISTINCT`` read them all on every page load.
    """
    # *My tasks* and *Group tasks* split the engine's inbox, so it is asked once.
    sources = [user_task_inbox(user=user), _base("involved", user), _base("completed", user)]
    has_tasks = [
        Exists(tasks.order_by().filter(instance__definition=OuterRef("pk"))) for tasks in sources
    ]
    rows = ProcessDefinition.objects.filter(reduce(operator.or_, has_tasks)).values_list(
        "key", "name"
    )
    seen: dict[str, str] = {}
    for key, name in rows.order_by("key", "-version"):
        seen.setdefault(key, name or key)
    return sorted(seen.items(), key=lambda item: item[1].lower())


def is_overdue(task: UserTask) -> bool:
    """An open task past its due date (by the engine's clock, so tests can move time)."""
    return (
        task.state == UserTask.State.OPEN and task.due_at is not None and task.due_at < clock.now()
    )
