"""The read side: querysets for pages and the API."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Exists, OuterRef, Q, QuerySet

from bpmn_engine.models import ProcessDefinition, TaskCandidate, UserTask
from bpmn_engine.services.identity import user_groups, username_of
from bpmn_engine.services.task_rules import inbox_without_refused


def user_task_inbox(*, user: AbstractBaseUser) -> QuerySet[UserTask]:
    """Open tasks the user may act on: assigned to them, or unassigned with them as a
    candidate (by name or through one of their groups), less those the four-eyes rules
    refuse them (``task_rules``; the services enforce the rules, this only hides)."""
    name = username_of(user)
    groups = user_groups(user)
    candidate = TaskCandidate.objects.filter(task=OuterRef("pk")).filter(
        Q(user=name) | Q(group__in=groups)
    )
    tasks = (
        UserTask.objects.filter(state=UserTask.State.OPEN)
        .filter(Q(assignee=name) | (Q(assignee="") & Exists(candidate)))
        .select_related("instance__definition")
    )
    return inbox_without_refused(tasks, name)


def definitions_startable(*, user: AbstractBaseUser) -> list[ProcessDefinition]:
    """The latest version of every executable process the user may start."""
    from bpmn_engine.services.instances import definition_can_start

    latest: dict[str, ProcessDefinition] = {}
    for definition in ProcessDefinition.objects.filter(is_executable=True).order_by(
        "key", "-version"
    ):
        latest.setdefault(definition.key, definition)
    return [d for d in latest.values() if definition_can_start(d, user)]
