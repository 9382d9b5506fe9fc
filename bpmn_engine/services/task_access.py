# ruff: noqa: S608 - SQL text is built only from model metadata (quoted names) and %s.
"""Loading a task under its instance's lock, with what every permission check needs.

Each task operation reads what it needs in one round trip under the instance lock: the
instance row (locked first, the engine's lock order), the task row (locked after it),
the task's candidates, the user's group names, and for a completion the instance state.
Only a task with the distinct-approvers rule also needs the element ids of the other
tasks of the instance this user completed; that is a second read under the same lock.
The checks then run on those values, with the same meaning as ``task_can_act`` /
``task_can_see`` (which pages use on ORM objects).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection

from bpmn_engine import clock
from bpmn_engine.interpreter.state import InstanceState
from bpmn_engine.models import ProcessInstance, UserTask
from bpmn_engine.persistence import steps
from bpmn_engine.persistence.batch import Batch, Result
from bpmn_engine.persistence.steps import TASKS, InstanceRef, LockedLoad, TaskLoad
from bpmn_engine.services import task_rules
from bpmn_engine.services.errors import Conflict, NotFound, NotPermitted
from bpmn_engine.services.identity import user_groups, username_of
from bpmn_engine.services.runtime import HistoryNote

PENDING = "pending"
RESOLVED = "resolved"


def is_candidate(candidates: Iterable[tuple[str, str]], name: str, groups: set[str]) -> bool:
    """A group candidate row has an empty user: an empty name must never match it."""
    return any((name and user == name) or (group and group in groups) for user, group in candidates)


def is_superuser(user: AbstractBaseUser | None) -> bool:
    return bool(getattr(user, "is_superuser", False))


@dataclass
class LockedTask:
    """A task read under its instance's lock, with what the permission checks need."""

    task: UserTask
    instance: ProcessInstance
    state: InstanceState | None
    candidates: list[tuple[str, str]]
    user: AbstractBaseUser | None
    """None when the engine itself acts (``task_reassign`` from a handler)."""
    name: str
    groups: set[str]
    completed_elements: list[str]
    """Element ids of the instance's other tasks this user completed."""

    def loaded_state(self) -> InstanceState:
        if self.state is None:
            raise RuntimeError("The task was loaded without its instance state")
        return self.state

    def is_candidate(self) -> bool:
        return is_candidate(self.candidates, self.name, self.groups)

    def can_act(self) -> bool:
        """``task_can_act`` on the values read under the lock (rules apart)."""
        if self.user is None or not self.user.is_authenticated:
            return False
        if is_superuser(self.user):
            return True
        if self.task.assignee:
            return self.task.assignee == self.name
        return self.is_candidate()

    def can_see(self) -> bool:
        if self.can_act():
            return True
        return self.name != "" and self.name in (self.instance.started_by, self.task.owner)

    def rule_refusal(self) -> str | None:
        return task_rules.rule_refusal(
            definition_id=self.instance.definition_id,
            element_id=self.task.element_id,
            name=self.name,
            started_by=self.instance.started_by,
            completed_elements=self.completed_elements,
        )

    def check_rules(self) -> None:
        """The four-eyes rules, as a ``NotPermitted`` with the reason."""
        refusal = self.rule_refusal()
        if refusal is not None:
            raise NotPermitted(refusal)


@cache
def _completed_by_sql(vendor: str) -> str:
    del vendor  # part of the cache key: quoting differs per backend
    return (
        f"SELECT {TASKS.col('element_id')} FROM {TASKS.name} "
        f"WHERE {TASKS.col('instance_id')} = "
        f"(SELECT {TASKS.col('instance_id')} FROM {TASKS.name} WHERE {TASKS.col('id')} = %s) "
        f"AND {TASKS.col('state')} = %s AND {TASKS.col('completed_by')} = %s "
        f"AND {TASKS.col('id')} <> %s"
    )


def _queue_completed_by(batch: Batch, task_id: int, name: str) -> Result:
    params = (task_id, UserTask.State.COMPLETED.value, name, task_id)
    return batch.add(_completed_by_sql(connection.vendor), params, fetch=True)


def _group_names(user: AbstractBaseUser | None, read: Result | None) -> set[str]:
    if read is not None:
        return {row[0] for row in read.rows}
    return user_groups(user) if user is not None else set()


def locked_open_task(
    task_id: int,
    user: AbstractBaseUser | None,
    *,
    with_state: bool,
    check_visible: bool = True,
) -> LockedTask:
    """Lock the instance, then the task (the engine's lock order), and check the user
    may see it (unless the engine itself acts: ``check_visible=False``) and that it is
    still open."""
    batch = Batch()
    instance_load = LockedLoad(batch, InstanceRef.of_task(task_id), with_state=with_state)
    task_load = TaskLoad(batch, task_id)
    wants_groups = user is not None and user.is_authenticated and not is_superuser(user)
    groups_read = steps.queue_group_names(batch, user) if user and wants_groups else None
    name = username_of(user)
    batch.run()
    instance, task = instance_load.instance(), task_load.task()
    if instance is None or task is None:
        raise NotFound(f"Task {task_id} does not exist")
    task.instance = instance
    completed_read = None
    rules = task_rules.task_rules_of(instance.definition_id, task.element_id)
    if name and rules.distinct_approvers:
        # Only a task with the distinct-approvers rule needs what else the user completed
        # (still under the lock): reading it for every task cost a scan of all the
        # instance's tasks on each step, which grew with every loop iteration.
        completed_read = _queue_completed_by(batch, task_id, name)
        batch.run()
    locked = LockedTask(
        task=task,
        instance=instance,
        state=instance_load.state() if with_state else None,
        candidates=task_load.candidates(),
        user=user,
        name=name,
        groups=_group_names(user, groups_read),
        completed_elements=[row[0] for row in completed_read.rows] if completed_read else [],
    )
    if check_visible and not locked.can_see() and not locked.is_candidate():
        raise NotFound(f"Task {task_id} does not exist")
    if task.state != UserTask.State.OPEN:
        raise Conflict(f"Task {task.name!r} was already {task.get_state_display().lower()}")
    return locked


def task_history(task: UserTask, event: str, **data: Any) -> HistoryNote:
    data = {"task_id": task.pk, "task": task.name, **data}
    return event, task.element_id, task.token_id.hex, data


def write_task(
    task: UserTask, fields: list[str], user: str, history: HistoryNote, batch: Batch | None = None
) -> None:
    """Update the task's ``fields`` and append its history row, in one round trip (with
    whatever the caller queued on ``batch``)."""
    event, element_id, token_id, data = history
    batch = batch or Batch()
    if fields:
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
