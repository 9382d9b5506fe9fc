"""Read side of the pages: one selector per page, built on the engine's selectors.

Each returns what its template shows, or raises ``NotFound`` when the user may not see
the thing asked for, so a page never tells a stranger that a task or instance exists.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from approvals.diagram import DiagramData, instance_diagram, instance_timeline
from approvals.diagram import TimelineEntry as DiagramTimelineEntry
from bpmn_engine.model import FormField, StartEvent
from bpmn_engine.model import UserTask as UserTaskNode
from bpmn_engine.models import (
    HistoryEvent,
    Incident,
    ProcessDefinition,
    ProcessInstance,
    Scope,
    TaskComment,
    UserTask,
)
from bpmn_engine.services.comments import task_comments
from bpmn_engine.services.errors import NotFound
from bpmn_engine.services.identity import user_groups, username_of
from bpmn_engine.services.instances import definition_can_start
from bpmn_engine.services.models_cache import definition_model
from bpmn_engine.services.task_rules import task_rule_refusal
from bpmn_engine.services.tasks import task_can_act, task_can_see, task_is_candidate

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

RECENT_REQUESTS = 20


def recent_requests(*, user: AbstractBaseUser) -> QuerySet[ProcessInstance]:
    """The requests the user started, newest first (the inbox page's "My requests")."""
    requests = ProcessInstance.objects.filter(started_by=username_of(user))
    return requests.select_related("definition").order_by("-started_at")[:RECENT_REQUESTS]


@dataclass
class StartPage:
    definition: ProcessDefinition
    fields: tuple[FormField, ...]


def start_page(*, definition_id: int, user: AbstractBaseUser) -> StartPage:
    """A startable definition and the form fields of its none start event."""
    definition = ProcessDefinition.objects.filter(pk=definition_id).first()
    if definition is None or not definition_can_start(definition, user):
        raise NotFound(f"No startable process definition {definition_id}")
    model = definition_model(definition)
    starts = model.none_start_events(model.id)
    fields = starts[0].form_fields if starts and isinstance(starts[0], StartEvent) else ()
    return StartPage(definition=definition, fields=fields)


def startable_by_group(
    definitions: list[ProcessDefinition], user: AbstractBaseUser
) -> list[tuple[str, list[ProcessDefinition]]]:
    """The startable definitions under each of the user's groups that may start them
    (``camunda:candidateStarterGroups``); open-to-all ones under "Everyone"."""
    mine = user_groups(user)
    grouped: dict[str, list[ProcessDefinition]] = {}
    for definition in definitions:
        groups = [g for g in definition.candidate_starter_groups if g in mine]
        for group in groups or [str(_("Everyone"))]:
            grouped.setdefault(group, []).append(definition)
    return sorted(grouped.items())


def root_variables(instance: ProcessInstance) -> dict[str, Any]:
    """The instance-level variables, sorted by name (subprocess scopes are left out)."""
    scope = Scope.objects.filter(instance=instance, parent_id__isnull=True).first()
    variables: Mapping[str, Any] = scope.variables if scope is not None else {}
    return dict(sorted(variables.items()))


@dataclass
class TaskPage:
    task: UserTask
    instance: ProcessInstance
    fields: tuple[FormField, ...]
    variables: dict[str, Any]
    can_act: bool
    can_claim: bool
    can_unclaim: bool
    can_resolve: bool = False
    comments: list[TaskComment] = field(default_factory=list)
    refusal: str = ""
    """Why a four-eyes rule keeps this user from acting, if one does."""
    diagram: DiagramData | None = None
    timeline: list[DiagramTimelineEntry] = field(default_factory=list)


def task_page(*, task_id: int, user: AbstractBaseUser) -> TaskPage:
    """A task its assignee, candidates or instance starter may see; else ``NotFound``.

    Candidates see the task even once someone else claimed it (as the services allow),
    so a colleague's claim shows as "claimed by" rather than as a missing page.
    """
    task = (
        UserTask.objects.select_related("instance__definition")
        .prefetch_related("candidates")
        .filter(pk=task_id)
        .first()
    )
    if task is None or not (task_can_see(task, user) or task_is_candidate(task, user)):
        raise NotFound(f"Task {task_id} does not exist")
    node = definition_model(task.instance.definition_id).nodes.get(task.element_id)
    is_open = task.state == UserTask.State.OPEN
    can_act = is_open and task_can_act(task, user)
    name = username_of(user)
    return TaskPage(
        task=task,
        instance=task.instance,
        fields=node.form_fields if isinstance(node, UserTaskNode) else (),
        variables=root_variables(task.instance),
        can_act=can_act,
        can_claim=can_act and not task.assignee,
        can_unclaim=is_open and bool(task.assignee) and task.assignee == name,
        can_resolve=can_act and task.delegation_state == "pending",
        refusal=(task_rule_refusal(task, name) or "") if is_open else "",
        comments=_comments(task),
        diagram=instance_diagram(task.instance),
        timeline=instance_timeline(task.instance),
    )


def _comments(task: UserTask) -> list[TaskComment]:
    return list(task_comments(task=task))


EVENT_LABELS: Mapping[str, StrOrPromise] = {
    "instance_started": _("Instance started"),
    "instance_completed": _("Instance completed"),
    "instance_terminated": _("Instance terminated"),
    "instance_cancelled": _("Instance cancelled"),
    "element_started": _("Step started"),
    "element_completed": _("Step completed"),
    "element_cancelled": _("Step cancelled"),
    "flow_taken": _("Flow taken"),
    "variables_set": _("Variables set"),
    "task_created": _("Task created"),
    "task_claimed": _("Task claimed"),
    "task_unclaimed": _("Task given back"),
    "task_completed": _("Task completed"),
    "job_failed": _("Service call failed, will retry"),
    "incident": _("Incident raised"),
    "incident_resolved": _("Incident resolved"),
}
"""What each HistoryEvent code means to a reader; unknown codes are shown as written."""


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime
    who: str
    what: str
    element: str


@dataclass
class InstancePage:
    instance: ProcessInstance
    variables: dict[str, Any]
    open_tasks: list[UserTask]
    incidents: list[Incident]
    timeline: list[TimelineEntry] = field(default_factory=list)
    diagram: DiagramData | None = None
    story: list[DiagramTimelineEntry] = field(default_factory=list)


def _is_own_or_staff(instance: ProcessInstance, user: AbstractBaseUser) -> bool:
    if getattr(user, "is_staff", False):
        return True
    name = username_of(user)
    return bool(name) and instance.started_by == name


def instance_page(*, instance_id: int, user: AbstractBaseUser) -> InstancePage:
    """An instance for the user who started it, or for staff; else ``NotFound``."""
    instance = ProcessInstance.objects.select_related("definition").filter(pk=instance_id).first()
    if instance is None or not _is_own_or_staff(instance, user):
        raise NotFound(f"Process instance {instance_id} does not exist")
    return InstancePage(
        instance=instance,
        variables=root_variables(instance),
        open_tasks=list(instance.user_tasks.filter(state=UserTask.State.OPEN)),
        incidents=list(instance.incidents.all()),
        timeline=_timeline(instance),
        diagram=instance_diagram(instance),
        story=instance_timeline(instance),
    )


def _timeline(instance: ProcessInstance) -> list[TimelineEntry]:
    model = definition_model(instance.definition_id)
    names = {node.id: node.label for node in model.nodes.values()}
    names |= {flow.id: flow.name or flow.id for flow in model.flows.values()}
    names[model.id] = model.label
    events: QuerySet[HistoryEvent] = instance.history.order_by("id")
    return [
        TimelineEntry(
            when=event.timestamp,
            who=event.user,
            what=str(EVENT_LABELS.get(event.event, event.event)),
            element=names.get(event.element_id, event.element_id),
        )
        for event in events
    ]
