# ruff: noqa: S608 - SQL text is built only from model metadata (quoted names) and %s.
"""User task rows of a step: the new task, its candidates, and the completed task's update.

On PostgreSQL a new task's candidates (and its ``task_created`` history row, see
``history``) are written in the same query as the task, finding it by its token's one
open task instead of waiting for its id to come back.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any
from uuid import UUID

from django.db import connection

from bpmn_engine.models import TaskCandidate, UserTask
from bpmn_engine.persistence.batch import Batch, Result
from bpmn_engine.persistence.tables import Table, update_sql

TASKS = Table(UserTask)
CANDIDATES = Table(TaskCandidate)

TASK_INSERT_COLUMNS = (
    "instance_id",
    "token_id",
    "element_id",
    "name",
    "documentation",
    "state",
    "assignee",
    "priority",
    "due_at",
    "form_key",
    "created_at",
    "completed_at",
    "completed_by",
    "submitted",
)


def queue_task_insert(batch: Batch, values: Sequence[Any]) -> Result:
    """Insert a user task (``TASK_INSERT_COLUMNS`` order); the result holds its id."""
    return batch.add(*TASKS.insert(TASK_INSERT_COLUMNS, [values], returning="id"), fetch=True)


def queue_candidates(
    batch: Batch, task_id: int, users: Sequence[str], groups: Sequence[str]
) -> None:
    rows = [(task_id, u, "") for u in users] + [(task_id, "", g) for g in groups]
    if rows:
        batch.add(*CANDIDATES.insert(("task_id", "user", "group"), rows))


def queue_candidates_of_open_task(
    batch: Batch, token_id: str, users: Sequence[str], groups: Sequence[str]
) -> None:
    """Candidates of the task just queued for ``token_id``, before its id is known: the
    id is read in the same statement from the token's one open task (a token has at most
    one, ``one_open_task_per_token``, whose index serves the lookup). Missing, it is
    NULL and the insert fails rather than losing the candidates."""
    rows = [(u, "") for u in users] + [("", g) for g in groups]
    if rows:
        params = [p for row in rows for p in row]
        batch.add(_candidates_of_open_task_sql(len(rows)), [UUID(hex=token_id), *params])


@cache
def _candidates_of_open_task_sql(rows: int) -> str:
    values = ", ".join(["(%s, %s)"] * rows)
    return (
        f"INSERT INTO {CANDIDATES.name} ({CANDIDATES.cols(('task_id', 'user', 'group'))}) "
        f"SELECT ({open_task_of_token_sql('%s')}), v.u, v.g FROM (VALUES {values}) AS v(u, g)"
    )


def open_task_of_token_sql(token_sql: str) -> str:
    """A scalar subquery: the id of the open task of the token ``token_sql`` names. The
    state is a literal so the partial index ``one_open_task_per_token`` applies."""
    return (
        f"SELECT t.{TASKS.col('id')} FROM {TASKS.name} t "
        f"WHERE t.{TASKS.col('token_id')} = {token_sql} "
        f"AND t.{TASKS.col('state')} = '{UserTask.State.OPEN.value}'"
    )


def queue_task_update(batch: Batch, task: UserTask, names: Sequence[str]) -> None:
    values = [getattr(task, n) for n in names]
    batch.add(
        update_sql(TASKS, tuple(names), connection.vendor), [*TASKS.params(names, values), task.pk]
    )
