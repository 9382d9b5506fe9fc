"""User task operations: claim, unclaim, complete, bulk complete; and the public entry
points of delegation, drafts and reassignment (``task_delegation``).

Each operation reads what it needs in one round trip under the instance lock
(``task_access.locked_open_task``); a completion also loads the instance state in that
same round trip and writes the task, the step and its history in the step's batch.
The four-eyes rules (``task_rules``) are checked on the values read under the lock.

Delegation follows Camunda: a task pending delegation cannot be completed, neither by
its owner (who waits for the delegate) nor by the delegate (who resolves it instead).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from bpmn_engine import clock
from bpmn_engine.interpreter.errors import TokenNotWaitingError
from bpmn_engine.interpreter.state import InstanceState
from bpmn_engine.model import UserTask as UserTaskNode
from bpmn_engine.models import ProcessInstance, UserTask
from bpmn_engine.persistence import steps
from bpmn_engine.persistence.batch import Batch
from bpmn_engine.services.errors import Conflict, EngineError, InvalidInput, NotPermitted
from bpmn_engine.services.identity import user_groups, username_of
from bpmn_engine.services.models_cache import definition_model
from bpmn_engine.services.notifications import notify_on_commit
from bpmn_engine.services.runtime import StepResult, check_variables, step_locked
from bpmn_engine.services.task_access import (
    PENDING,
    LockedTask,
    is_candidate,
    is_superuser,
    locked_open_task,
    task_history,
    write_task,
)
from bpmn_engine.services.task_delegation import (
    task_delegate,
    task_reassign,
    task_resolve,
    task_save_draft,
)
from bpmn_engine.services.task_rules import task_rule_refusal

BULK_LIMIT = 100


def task_is_candidate(task: UserTask, user: AbstractBaseUser) -> bool:
    candidates = [(c.user, c.group) for c in task.candidates.all()]
    return is_candidate(candidates, username_of(user), user_groups(user))


def task_can_act(task: UserTask, user: AbstractBaseUser) -> bool:
    """The assignee acts; an unassigned task is open to its candidates. Superusers act
    too. Nobody acts where the four-eyes rules refuse them."""
    if not user.is_authenticated:
        return False
    if task_rule_refusal(task, username_of(user)) is not None:
        return False
    if is_superuser(user):
        return True
    if task.assignee:
        return task.assignee == username_of(user)
    return task_is_candidate(task, user)


def task_can_see(task: UserTask, user: AbstractBaseUser) -> bool:
    """Those who may act, the instance's starter, and the owner of a delegated task."""
    if task_can_act(task, user):
        return True
    name = username_of(user)
    return name != "" and name in (task.instance.started_by, task.owner)


def task_claim(*, task_id: int, user: AbstractBaseUser) -> UserTask:
    with transaction.atomic():
        locked = locked_open_task(task_id, user, with_state=False)
        task, name = locked.task, locked.name
        if task.assignee == name:
            return task
        if task.assignee:
            raise Conflict(f"Task {task.name!r} is already claimed by {task.assignee}")
        locked.check_rules()
        if not locked.can_act():
            raise NotPermitted(f"You are not a candidate for {task.name!r}")
        task.assignee = name
        history = task_history(
            task, "task_claimed", before={"assignee": ""}, after={"assignee": name}
        )
        write_task(task, ["assignee"], name, history)
        notify_on_commit([task.pk], actor=name)
    return task


def task_unclaim(*, task_id: int, user: AbstractBaseUser) -> UserTask:
    """Give a claimed task back to its candidates (who may then hear about it)."""
    with transaction.atomic():
        locked = locked_open_task(task_id, user, with_state=False)
        task = locked.task
        if task.assignee != locked.name and not is_superuser(user):
            raise NotPermitted(f"Only the assignee can give {task.name!r} back")
        if task.delegation_state == PENDING:
            raise NotPermitted(
                f"{task.name!r} was delegated by {task.owner}: resolve it to hand it back"
            )
        before = task.assignee
        task.assignee = ""
        history = task_history(
            task, "task_unclaimed", before={"assignee": before}, after={"assignee": ""}
        )
        write_task(task, ["assignee"], locked.name, history)
        notify_on_commit([task.pk], actor=locked.name)
    return task


def _check_may_complete(locked: LockedTask) -> None:
    task = locked.task
    locked.check_rules()
    if task.delegation_state == PENDING:
        if task.assignee == locked.name:
            raise NotPermitted(
                f"{task.owner} delegated {task.name!r} to you: resolve it to hand it back"
            )
        raise NotPermitted(
            f"{task.name!r} is delegated to {task.assignee}; it can be completed once "
            "they resolve it"
        )
    if not locked.can_act():
        raise NotPermitted(f"You may not complete {task.name!r}")


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
        locked = locked_open_task(task_id, user, with_state=True)
        task, name = locked.task, locked.name
        _check_may_complete(locked)
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
            history=[task_history(task, "task_completed", variables=sorted(values))],
        )
    return task, result


@dataclass(frozen=True)
class BulkOutcome:
    """What happened to one task of a bulk completion."""

    task_id: int
    outcome: Literal["completed", "refused"]
    message: str = ""

    @property
    def completed(self) -> bool:
        return self.outcome == "completed"


def _form_ids(task: UserTask) -> tuple[str, ...]:
    node = definition_model(task.instance.definition_id).nodes.get(task.element_id)
    fields = node.form_fields if isinstance(node, UserTaskNode) else ()
    return tuple(sorted(field.id for field in fields))


def tasks_complete_bulk(
    *,
    task_ids: Sequence[int],
    user: AbstractBaseUser,
    variables: Mapping[str, Any] | None,
) -> list[BulkOutcome]:
    """Complete several tasks with the same decision, each in its own transaction
    through ``task_complete`` (so each is checked, audited and notified as if done one
    by one, and one refusal does not undo the others).

    Only tasks sharing the first task's decision form (the same form field ids; no form
    is the standard approve/reject form) are completed; the others are refused with the
    reason. The caller validates ``variables`` against that form once, as for one task.
    """
    ids = list(dict.fromkeys(int(i) for i in task_ids))
    if not ids:
        raise InvalidInput("Select at least one task")
    if len(ids) > BULK_LIMIT:
        raise InvalidInput(f"At most {BULK_LIMIT} tasks can be completed at once")
    values = check_variables(variables)
    # A task the user may not see counts as missing: neither its name nor its form may
    # change the outcome the user reads (no enumeration of other people's tasks).
    rows = UserTask.objects.filter(pk__in=ids).select_related("instance")
    found = {
        t.pk: t
        for t in rows.prefetch_related("candidates")
        if task_can_see(t, user) or task_is_candidate(t, user)
    }
    form: tuple[str, ...] | None = None
    outcomes = []
    for task_id in ids:
        task = found.get(task_id)
        if task is not None:
            ids_of_form = _form_ids(task)
            form = ids_of_form if form is None else form
            if ids_of_form != form:
                outcomes.append(
                    BulkOutcome(task_id, "refused", f"{task.name!r} has a different form")
                )
                continue
        outcomes.append(_complete_one(task_id, user, values))
    return outcomes


def _complete_one(task_id: int, user: AbstractBaseUser, values: dict[str, Any]) -> BulkOutcome:
    try:
        task_complete(task_id=task_id, user=user, variables=values)
    except EngineError as exc:
        return BulkOutcome(task_id, "refused", str(exc))
    return BulkOutcome(task_id, "completed")


__all__ = [
    "BulkOutcome",
    "ProcessInstance",
    "task_can_act",
    "task_can_see",
    "task_claim",
    "task_complete",
    "task_complete_step",
    "task_delegate",
    "task_is_candidate",
    "task_reassign",
    "task_resolve",
    "task_save_draft",
    "task_unclaim",
    "tasks_complete_bulk",
]
