"""User task operations: claim, unclaim, complete.

Each operation reads what it needs in one round trip under the instance lock: the
instance row (locked first, the engine's lock order), the task row (locked after it),
the task's candidates and the user's group names, and for a completion the instance
state. The permission checks then run on those values, with the same meaning as
``task_can_act`` / ``task_can_see`` below (which pages use on ORM objects).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from bpmn_engine import clock
from bpmn_engine.interpreter.errors import TokenNotWaitingError
from bpmn_engine.interpreter.state import InstanceState
from bpmn_engine.models import ProcessInstance, UserTask
from bpmn_engine.persistence import steps
from bpmn_engine.persistence.batch import Batch
from bpmn_engine.persistence.steps import InstanceRef, LockedLoad, TaskLoad
from bpmn_engine.services.errors import Conflict, NotFound, NotPermitted
from bpmn_engine.services.identity import user_groups, username_of
from bpmn_engine.services.runtime import HistoryNote, StepResult, check_variables, step_locked


def _is_candidate(candidates: Iterable[tuple[str, str]], name: str, groups: set[str]) -> bool:
    """A group candidate row has an empty user: an empty name must never match it."""
    return any((name and user == name) or (group and group in groups) for user, group in candidates)


def task_is_candidate(task: UserTask, user: AbstractBaseUser) -> bool:
    candidates = [(c.user, c.group) for c in task.candidates.all()]
    return _is_candidate(candidates, username_of(user), user_groups(user))


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


@dataclass
class _LockedTask:
    """A task read under its instance's lock, with what the permission checks need."""

    task: UserTask
    instance: ProcessInstance
    state: InstanceState | None
    candidates: list[tuple[str, str]]
    user: AbstractBaseUser
    name: str
    groups: set[str]

    def loaded_state(self) -> InstanceState:
        if self.state is None:
            raise RuntimeError("The task was loaded without its instance state")
        return self.state

    def is_candidate(self) -> bool:
        return _is_candidate(self.candidates, self.name, self.groups)

    def can_act(self) -> bool:
        """``task_can_act`` on the values read under the lock."""
        if not self.user.is_authenticated:
            return False
        if getattr(self.user, "is_superuser", False):
            return True
        if self.task.assignee:
            return self.task.assignee == self.name
        return self.is_candidate()

    def can_see(self) -> bool:
        return self.can_act() or self.instance.started_by == self.name != ""


def _locked_open_task(task_id: int, user: AbstractBaseUser, *, with_state: bool) -> _LockedTask:
    """Lock the instance, then the task (the engine's lock order), and check the user."""
    batch = Batch()
    instance_load = LockedLoad(batch, InstanceRef.of_task(task_id), with_state=with_state)
    task_load = TaskLoad(batch, task_id)
    wants_groups = user.is_authenticated and not getattr(user, "is_superuser", False)
    groups_read = steps.queue_group_names(batch, user) if wants_groups else None
    batch.run()
    instance, task = instance_load.instance(), task_load.task()
    if instance is None or task is None:
        raise NotFound(f"Task {task_id} does not exist")
    task.instance = instance
    locked = _LockedTask(
        task=task,
        instance=instance,
        state=instance_load.state() if with_state else None,
        candidates=task_load.candidates(),
        user=user,
        name=username_of(user),
        groups={row[0] for row in groups_read.rows} if groups_read else user_groups(user),
    )
    if not locked.can_see() and not locked.is_candidate():
        raise NotFound(f"Task {task_id} does not exist")
    if task.state != UserTask.State.OPEN:
        raise Conflict(f"Task {task.name!r} was already {task.get_state_display().lower()}")
    return locked


def task_claim(*, task_id: int, user: AbstractBaseUser) -> UserTask:
    with transaction.atomic():
        locked = _locked_open_task(task_id, user, with_state=False)
        task, name = locked.task, locked.name
        if task.assignee == name:
            return task
        if task.assignee:
            raise Conflict(f"Task {task.name!r} is already claimed by {task.assignee}")
        if not locked.can_act():
            raise NotPermitted(f"You are not a candidate for {task.name!r}")
        task.assignee = name
        _write_task(task, ["assignee"], name, _task_history(task, "task_claimed"))
    return task


def task_unclaim(*, task_id: int, user: AbstractBaseUser) -> UserTask:
    with transaction.atomic():
        locked = _locked_open_task(task_id, user, with_state=False)
        task = locked.task
        if task.assignee != locked.name and not getattr(user, "is_superuser", False):
            raise NotPermitted(f"Only the assignee can give {task.name!r} back")
        task.assignee = ""
        _write_task(task, ["assignee"], locked.name, _task_history(task, "task_unclaimed"))
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
    task, _ = task_complete_step(task_id=task_id, user=user, variables=variables)
    return task


def task_complete_step(
    *,
    task_id: int,
    user: AbstractBaseUser,
    variables: Mapping[str, Any] | None = None,
) -> tuple[UserTask, StepResult]:
    """``task_complete``, also returning the step (e.g. the tasks it opened)."""
    values = check_variables(variables)
    with transaction.atomic():
        locked = _locked_open_task(task_id, user, with_state=True)
        task, name = locked.task, locked.name
        if not locked.can_act():
            raise NotPermitted(f"You may not complete {task.name!r}")
        now = clock.now()
        task.state = UserTask.State.COMPLETED
        task.completed_at = now
        task.completed_by = name
        task.submitted = values
        if not task.assignee:
            task.assignee = name
        batch = Batch()
        steps.queue_task_update(
            batch, task, ["state", "completed_at", "completed_by", "submitted", "assignee"]
        )
        token_id = task.token_id.hex

        def complete(interpreter: Any, state: InstanceState) -> Any:
            try:
                return interpreter.complete(state, token_id=token_id, variables=values)
            except TokenNotWaitingError as exc:
                raise Conflict(str(exc)) from exc

        result = step_locked(
            locked.instance,
            locked.loaded_state(),
            complete,
            user=name,
            now=now,
            batch=batch,
            history=[_task_history(task, "task_completed", variables=sorted(values))],
        )
    return task, result


def _task_history(task: UserTask, event: str, **data: Any) -> HistoryNote:
    data = {"task_id": task.pk, "task": task.name, **data}
    return event, task.element_id, task.token_id.hex, data


def _write_task(task: UserTask, fields: list[str], user: str, history: HistoryNote) -> None:
    event, element_id, token_id, data = history
    batch = Batch()
    steps.queue_task_update(batch, task, fields)
    row = steps.history_row(
        task.instance_id,
        event,
        element_id=element_id,
        token_id=token_id,
        user=user,
        data=data,
        timestamp=clock.now(),
    )
    steps.queue_history(batch, [row])
    batch.run()


__all__ = [
    "ProcessInstance",
    "task_can_act",
    "task_claim",
    "task_complete",
    "task_complete_step",
    "task_unclaim",
]
