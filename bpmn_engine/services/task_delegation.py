"""Delegation, drafts and reassignment of open user tasks.

Delegation follows Camunda 7 (``TaskService.delegateTask`` / ``resolveTask``): the
delegating person becomes the *owner* (the current assignee, else the person
delegating), the delegate becomes the assignee and the task is *pending*. The delegate
does the work and *resolves* the task, which hands it back to the owner (assignee =
owner, state *resolved*) with the delegate's values saved as the task's draft; only
then may the owner complete it. As in Camunda, nobody completes a pending task.

``task_reassign`` is for escalation: a modelled step (e.g. a service task after a
non-interrupting boundary timer) changes the assignee or widens the candidates of a task
that is still open. Every change is a history event with who did it and before/after.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from bpmn_engine.models import UserTask
from bpmn_engine.persistence import steps
from bpmn_engine.persistence.batch import Batch
from bpmn_engine.services import task_rules
from bpmn_engine.services.errors import Conflict, InvalidInput, NotPermitted
from bpmn_engine.services.notifications import notify_on_commit
from bpmn_engine.services.runtime import check_variables
from bpmn_engine.services.task_access import (
    PENDING,
    RESOLVED,
    LockedTask,
    is_superuser,
    locked_open_task,
    task_history,
    write_task,
)


def _name_of(person: str | AbstractBaseUser) -> str:
    """A username given as text, or a user object's username (pages pass either)."""
    if isinstance(person, str):
        return person.strip()
    return person.get_username()


def _require_active_user(name: str) -> None:
    user_model = get_user_model()
    if (
        not name
        or not user_model.objects.filter(
            **{user_model.USERNAME_FIELD: name}, is_active=True
        ).exists()
    ):
        raise InvalidInput(f"There is no active user {name!r}")


def _check_target(locked: LockedTask, target: str) -> None:
    """The four-eyes rules also keep the task from being *given* to a refused person."""
    refusal = task_rules.task_rule_refusal(locked.task, target)
    if refusal == task_rules.STARTER_REFUSAL:
        raise NotPermitted(task_rules.STARTER_ASSIGN_REFUSAL.format(name=target))
    if refusal is not None:
        raise NotPermitted(
            f"{target} already completed another approval of this request, so the task "
            "cannot be given to them"
        )


def _assignment(task: UserTask) -> dict[str, str]:
    return {
        "assignee": task.assignee,
        "owner": task.owner,
        "delegation_state": task.delegation_state,
    }


def task_delegate(
    *, task_id: int, user: AbstractBaseUser, to_user: str | AbstractBaseUser
) -> UserTask:
    """Hand the task to ``to_user`` for them to work on and resolve (Camunda semantics)."""
    target = _name_of(to_user)
    _require_active_user(target)
    with transaction.atomic():
        locked = locked_open_task(task_id, user, with_state=False)
        task, name = locked.task, locked.name
        if not is_superuser(user) and (not name or name not in (task.assignee, task.owner)):
            raise NotPermitted(f"Only the assignee or owner of {task.name!r} can delegate it")
        if target == task.assignee:
            raise InvalidInput(f"{task.name!r} is already with {target}")
        if task.delegation_state == PENDING and target == task.owner:
            raise InvalidInput(f"{target} owns {task.name!r}: resolve the task to hand it back")
        _check_target(locked, target)
        before = _assignment(task)
        task.owner = task.owner or task.assignee or name
        task.assignee = target
        task.delegation_state = PENDING
        history = task_history(task, "task_delegated", before=before, after=_assignment(task))
        write_task(task, ["owner", "assignee", "delegation_state"], name, history)
        notify_on_commit([task.pk], actor=name)
    return task


def task_resolve(
    *, task_id: int, user: AbstractBaseUser, variables: Mapping[str, Any] | None = None
) -> UserTask:
    """The delegate hands the task back to its owner; ``variables`` become the draft.

    The task is not completed: its owner reviews the draft and completes it. The owner
    (taking the task back) and superusers may resolve too.
    """
    values = check_variables(variables) if variables is not None else None
    with transaction.atomic():
        locked = locked_open_task(task_id, user, with_state=False)
        task, name = locked.task, locked.name
        if task.delegation_state != PENDING:
            raise Conflict(f"{task.name!r} is not waiting for a delegate")
        if not is_superuser(user) and (not name or name not in (task.assignee, task.owner)):
            raise NotPermitted(f"Only the delegate can resolve {task.name!r}")
        before = _assignment(task)
        task.assignee = task.owner
        task.delegation_state = RESOLVED
        fields = ["assignee", "delegation_state"]
        if values is not None:
            task.draft = values
            fields.append("draft")
        history = task_history(
            task,
            "task_resolved",
            before=before,
            after=_assignment(task),
            draft=sorted(values or ()),
        )
        write_task(task, fields, name, history)
        notify_on_commit([task.pk], actor=name)
    return task


def task_save_draft(*, task_id: int, user: AbstractBaseUser, values: Mapping[str, Any]) -> UserTask:
    """Save form values on the task without completing it (replacing any older draft)."""
    checked = check_variables(values)
    with transaction.atomic():
        locked = locked_open_task(task_id, user, with_state=False)
        task = locked.task
        locked.check_rules()
        if not locked.can_act():
            raise NotPermitted(f"You may not work on {task.name!r}")
        before = sorted(task.draft or ())
        task.draft = checked
        history = task_history(task, "task_draft_saved", before=before, after=sorted(checked))
        write_task(task, ["draft"], locked.name, history)
    return task


def _clean_names(names: Sequence[str], what: str) -> list[str]:
    if isinstance(names, str):
        raise InvalidInput(f"{what} must be a list of names, not one string")
    cleaned = [str(n).strip() for n in names]
    if any(not n for n in cleaned):
        raise InvalidInput(f"{what} may not contain an empty name")
    return list(dict.fromkeys(cleaned))


def task_reassign(
    *,
    task_id: int,
    assignee: str | None = None,
    add_candidate_groups: Sequence[str] = (),
    add_candidate_users: Sequence[str] = (),
    user: AbstractBaseUser | None = None,
) -> UserTask:
    """Change who an open task is for, e.g. as an escalation step.

    ``assignee``: None keeps it, "" gives the task back to its candidates, a name
    assigns it (an existing active user the four-eyes rules allow). Candidates are only
    ever added. A changed assignee ends any delegation. ``user`` None is the engine
    itself (a service-task handler); a person must be a superuser or staff.
    """
    groups = _clean_names(add_candidate_groups, "Candidate groups")
    users = _clean_names(add_candidate_users, "Candidate users")
    if assignee:
        _require_active_user(assignee)
    if user is not None and not (is_superuser(user) or getattr(user, "is_staff", False)):
        raise NotPermitted("Only operators can reassign tasks")
    with transaction.atomic():
        locked = locked_open_task(task_id, user, with_state=False, check_visible=False)
        task = locked.task
        if assignee:
            _check_target(locked, assignee)
        old_users = [u for u, _ in locked.candidates if u]
        old_groups = [g for _, g in locked.candidates if g]
        new_users = [u for u in users if u not in old_users]
        new_groups = [g for g in groups if g not in old_groups]
        before = {**_assignment(task), "candidate_users": old_users, "candidate_groups": old_groups}
        fields: list[str] = []
        if assignee is not None and assignee != task.assignee:
            task.assignee, task.owner, task.delegation_state = assignee, "", ""
            fields = ["assignee", "owner", "delegation_state"]
        if not fields and not new_users and not new_groups:
            return task
        batch = Batch()
        steps.queue_candidates(batch, task.pk, new_users, new_groups)
        after = {
            **_assignment(task),
            "candidate_users": old_users + new_users,
            "candidate_groups": old_groups + new_groups,
        }
        history = task_history(task, "task_reassigned", before=before, after=after)
        write_task(task, fields, locked.name, history, batch=batch)
        notify_on_commit([task.pk], actor=locked.name)
    return task
