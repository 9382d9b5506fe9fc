"""The inbox: four views of a user's tasks, with search, filters, sort and counts.

Every view starts from a queryset that already encodes who may see what, so a filter can
only narrow it: *My tasks* and *Group tasks* come from the engine's ``user_task_inbox``
(the tasks the user may act on), *Involved* from the instances the user started, and
*Completed by me* from the tasks the user completed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.paginator import Page
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from approvals import task_counts
from approvals.task_counts import TaskCount, bounded_count, bounded_counts
from approvals.task_paginator import BoundedPaginator
from bpmn_engine import clock
from bpmn_engine.models import UserTask
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


@dataclass(frozen=True)
class UserInbox:
    """Who is asking, and the engine's inbox for them, built once per page.

    Building ``user_task_inbox`` costs queries of its own (the user's groups, the rule
    index, the user's running requests), so a page builds it once and every view, count
    and the process filter start from this one queryset.
    """

    name: str
    actionable: QuerySet[UserTask]

    @classmethod
    def of(cls, user: AbstractBaseUser) -> UserInbox:
        return cls(name=username_of(user), actionable=user_task_inbox(user=user))

    def view(self, view: str) -> QuerySet[UserTask]:
        """The tasks of one view, before any search or filter."""
        if view == "mine":
            return self.actionable.filter(assignee=self.name)
        if view == "group":
            return self.actionable.filter(assignee="")
        if view == "involved":
            return UserTask.objects.filter(
                state=UserTask.State.OPEN, instance__started_by=self.name
            ).exclude(instance__started_by="")
        return UserTask.objects.filter(
            state=UserTask.State.COMPLETED, completed_by=self.name
        ).exclude(completed_by="")


def inbox_counts(inbox: UserInbox) -> dict[str, TaskCount]:
    """How many tasks each view holds, for the navigation (before any filter), each
    bounded at ``task_counts.COUNT_LIMIT``; one query for all four."""
    limit = task_counts.COUNT_LIMIT
    return bounded_counts({view: (inbox.view(view), limit) for view in VIEWS})


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

    def is_filtered(self) -> bool:
        """Whether a search or filter narrows the view (the sort does not)."""
        return bool(self.q or self.process or self.due_from or self.due_to) or (
            self.priority in PRIORITY_RANGES
        )


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def inbox_tasks(inbox: UserInbox, query: InboxQuery) -> QuerySet[UserTask]:
    """The tasks of ``query.view`` narrowed by search and filters, in the chosen order."""
    tasks = inbox.view(query.view if query.view in VIEWS else "mine")
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


def inbox_page(
    inbox: UserInbox,
    query: InboxQuery,
    page_number: Any,
    counts: Mapping[str, TaskCount] | None = None,
) -> Page[UserTask]:
    """One page of ``inbox_tasks``; an out-of-range page number gives the last page.

    The total is bounded (``BoundedPaginator``). Without a filter, the pages the
    navigation's bounded count covers (the first 50) reuse that count from ``counts``
    instead of counting again.
    """
    tasks = inbox_tasks(inbox, query)
    number = _page_number(page_number)
    limit = max(task_counts.COUNT_LIMIT, number * PAGE_SIZE)
    known = (counts or {}).get(query.view)
    if known is None or query.is_filtered() or limit != task_counts.COUNT_LIMIT:
        known = bounded_count(tasks, limit)
    return BoundedPaginator(tasks, PAGE_SIZE, known).get_page(number)


def _page_number(value: Any) -> int:
    """The page asked for; anything that is not a positive whole number is page 1."""
    try:
        return max(int(value), 1)
    except (TypeError, ValueError):
        return 1


def is_overdue(task: UserTask) -> bool:
    """An open task past its due date (by the engine's clock, so tests can move time)."""
    return (
        task.state == UserTask.State.OPEN and task.due_at is not None and task.due_at < clock.now()
    )
