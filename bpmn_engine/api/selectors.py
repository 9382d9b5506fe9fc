"""Read-side querysets scoped to what the caller may see.

A row the caller may not see is left out of the queryset, so asking for it by id is a 404
like an id that does not exist: the API never confirms that someone else's instance or
task exists. These belong in ``bpmn_engine/selectors.py`` once the API settles.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet

from bpmn_engine.api.permissions import is_staff
from bpmn_engine.model import FormField
from bpmn_engine.model import UserTask as UserTaskNode
from bpmn_engine.models import HistoryEvent, Incident, ProcessInstance, Scope, UserTask
from bpmn_engine.selectors import user_task_inbox
from bpmn_engine.services.identity import user_groups, username_of
from bpmn_engine.services.models_cache import definition_model
from bpmn_engine.services.tasks import task_can_see, task_is_candidate

User = AbstractBaseUser | AnonymousUser


def _name(user: User) -> str:
    return username_of(user) if isinstance(user, AbstractBaseUser) else ""


def instance_list(*, user: User) -> QuerySet[ProcessInstance]:
    """Staff see every instance; others those they started or have (had) a task in, as
    assignee, completer or candidate."""
    instances = ProcessInstance.objects.select_related("definition")
    if is_staff(user):
        return instances
    name = _name(user)
    if not name:
        return instances.none()
    groups = user_groups(user) if isinstance(user, AbstractBaseUser) else set()
    involved = UserTask.objects.filter(instance=OuterRef("pk")).filter(
        Q(assignee=name)
        | Q(completed_by=name)
        | Q(candidates__user=name)
        | Q(candidates__group__in=groups)
    )
    return instances.filter(Q(started_by=name) | Exists(involved))


def task_list(*, user: User) -> QuerySet[UserTask]:
    """Staff see every task (any state); others their inbox (``user_task_inbox``)."""
    if is_staff(user):
        tasks = UserTask.objects.select_related("instance__definition")
    elif isinstance(user, AbstractBaseUser):
        tasks = user_task_inbox(user=user)
    else:
        return UserTask.objects.none()
    return tasks.prefetch_related("candidates")


def task_get(*, task_id: int, user: User) -> UserTask | None:
    """One task its assignee, candidates or instance starter (or staff) may see; None
    otherwise. Candidates still see a task a colleague claimed, as the services allow."""
    task = (
        UserTask.objects.select_related("instance__definition")
        .prefetch_related("candidates")
        .filter(pk=task_id)
        .first()
    )
    if task is None or not isinstance(user, AbstractBaseUser):
        return None
    if is_staff(user) or task_can_see(task, user) or task_is_candidate(task, user):
        return task
    return None


def incident_list() -> QuerySet[Incident]:
    return Incident.objects.select_related("instance__definition")


def history_list(*, user: User) -> QuerySet[HistoryEvent]:
    """Staff see every event; others the events of the instances they started."""
    events = HistoryEvent.objects.all()
    if is_staff(user):
        return events
    name = _name(user)
    return events.filter(instance__started_by=name) if name else events.none()


def root_variables(instance: ProcessInstance) -> dict[str, Any]:
    """The instance-level variables by name; {} once the instance ended (its scopes go)."""
    scope = Scope.objects.filter(instance=instance, parent_id__isnull=True).first()
    return dict(sorted(scope.variables.items())) if scope is not None else {}


def task_form_fields(task: UserTask) -> tuple[FormField, ...]:
    """The ``camunda:formField`` list of the task's element in its (cached) model."""
    node = definition_model(task.instance.definition_id).nodes.get(task.element_id)
    return node.form_fields if isinstance(node, UserTaskNode) else ()
