"""User task operations: claim, unclaim, complete."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from bpmn_engine import clock
from bpmn_engine.interpreter.errors import TokenNotWaitingError
from bpmn_engine.interpreter.state import InstanceState
from bpmn_engine.models import ProcessInstance, UserTask
from bpmn_engine.services.errors import Conflict, NotFound, NotPermitted
from bpmn_engine.services.identity import user_groups, username_of
from bpmn_engine.services.runtime import check_variables, instance_step, lock_instance


def task_is_candidate(task: UserTask, user: AbstractBaseUser) -> bool:
    name = username_of(user)
    groups = user_groups(user)
    return any(c.user == name or (c.group and c.group in groups) for c in task.candidates.all())


def task_can_act(task: UserTask, user: AbstractBaseUser) -> bool:
    """The assignee acts; an unassigned task is open to its candidates. Superusers act too."""
    if not user.is_authenticated:
        return False
    if getattr(user, "is_superuser", False):
        return True
    if task.assignee:
        return task.assignee == username_of(user)
    return task_is_candidate(task, user)


def task_can_see(task: UserTask, user: AbstractBaseUser) -> bool:
    if task_can_act(task, user):
        return True
    return task.instance.started_by == username_of(user) != ""


def _locked_open_task(task_id: int, user: AbstractBaseUser) -> UserTask:
    """Lock the instance, then the task (the engine's lock order), and check the user."""
    instance_id = UserTask.objects.filter(pk=task_id).values_list("instance_id", flat=True).first()
    if instance_id is None:
        raise NotFound(f"Task {task_id} does not exist")
    lock_instance(instance_id)
    task = UserTask.objects.select_for_update().get(pk=task_id)
    if not task_can_see(task, user) and not task_is_candidate(task, user):
        raise NotFound(f"Task {task_id} does not exist")
    if task.state != UserTask.State.OPEN:
        raise Conflict(f"Task {task.name!r} was already {task.get_state_display().lower()}")
    return task


def task_claim(*, task_id: int, user: AbstractBaseUser) -> UserTask:
    with transaction.atomic():
        task = _locked_open_task(task_id, user)
        name = username_of(user)
        if task.assignee == name:
            return task
        if task.assignee:
            raise Conflict(f"Task {task.name!r} is already claimed by {task.assignee}")
        if not task_can_act(task, user):
            raise NotPermitted(f"You are not a candidate for {task.name!r}")
        task.assignee = name
        task.save(update_fields=["assignee"])
        _task_history(task, "task_claimed", name)
    return task


def task_unclaim(*, task_id: int, user: AbstractBaseUser) -> UserTask:
    with transaction.atomic():
        task = _locked_open_task(task_id, user)
        if task.assignee != username_of(user) and not getattr(user, "is_superuser", False):
            raise NotPermitted(f"Only the assignee can give {task.name!r} back")
        task.assignee = ""
        task.save(update_fields=["assignee"])
        _task_history(task, "task_unclaimed", username_of(user))
    return task


def task_complete(
    *,
    task_id: int,
    user: AbstractBaseUser,
    variables: Mapping[str, Any] | None = None,
) -> UserTask:
    """Complete a task with variables and run the instance to its next wait states.

    A task completed meanwhile (double submit, another browser) is a ``Conflict``, never a
    second completion: the task row is re-checked under the instance lock.
    """
    values = check_variables(variables)
    name = username_of(user)
    with transaction.atomic():
        task = _locked_open_task(task_id, user)
        if not task_can_act(task, user):
            raise NotPermitted(f"You may not complete {task.name!r}")
        now = clock.now()
        task.state = UserTask.State.COMPLETED
        task.completed_at = now
        task.completed_by = name
        task.submitted = values
        if not task.assignee:
            task.assignee = name
        task.save(update_fields=["state", "completed_at", "completed_by", "submitted", "assignee"])

        def complete(interpreter: Any, state: InstanceState) -> Any:
            try:
                return interpreter.complete(state, token_id=task.token_id.hex, variables=values)
            except TokenNotWaitingError as exc:
                raise Conflict(str(exc)) from exc

        _task_history(task, "task_completed", name, variables=sorted(values))
        instance_step(task.instance_id, complete, user=name)
    return task


def _task_history(task: UserTask, event: str, user: str, **data: Any) -> None:
    from bpmn_engine.models import HistoryEvent

    HistoryEvent.objects.create(
        instance_id=task.instance_id,
        event=event,
        element_id=task.element_id,
        token_id=task.token_id,
        user=user,
        data={"task_id": task.pk, "task": task.name, **data},
        timestamp=clock.now(),
    )


__all__ = ["ProcessInstance", "task_can_act", "task_claim", "task_complete", "task_unclaim"]
