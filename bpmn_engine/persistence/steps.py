# ruff: noqa: S608 - SQL text is built only from model metadata (quoted names) and %s.
"""The statements of one step, queued on a ``Batch``: load under the lock, then write.

Reading: the instance row is locked first (``SELECT ... FOR UPDATE``), and the rows the
step needs (its task, the task's candidates, the user's groups, scopes, tokens) are read
by statements queued *after* the lock, so in one round trip they still see everything
committed before the lock was granted. Writing: the changed tokens and scopes, the
step's rows and history, and the instance's version go out together at the end.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models

from bpmn_engine.interpreter.state import Changes, InstanceState, Scope, Token, TokenState
from bpmn_engine.models import HistoryEvent, ProcessInstance, TaskCandidate, UserTask
from bpmn_engine.models import Scope as ScopeRow
from bpmn_engine.models import Token as TokenRow
from bpmn_engine.persistence.batch import Batch, Result
from bpmn_engine.persistence.tables import Table

INSTANCES = Table(ProcessInstance)
SCOPES = Table(ScopeRow)
TOKENS = Table(TokenRow)
TASKS = Table(UserTask)
CANDIDATES = Table(TaskCandidate)
HISTORY = Table(HistoryEvent)

SCOPE_COLUMNS = ("id", "element_id", "parent_id", "token_id", "variables")
TOKEN_COLUMNS = ("id", "element_id", "scope_id", "state", "arrived_via", "leaving")
HISTORY_COLUMNS = ("instance_id", "event", "element_id", "token_id", "user", "data", "timestamp")
HISTORY_ROWS_PER_INSERT = 100
"""Keeps a statement's parameters well under SQLite's limit (7 per row)."""


def _for_update() -> str:
    return " FOR UPDATE" if connection.features.has_select_for_update else ""


@cache
def _select_sql(
    table: Table[Any], columns: tuple[str, ...], where: str, tail: str, vendor: str
) -> str:
    """``SELECT columns FROM table WHERE <column> = <where> <tail>``, built once per shape.

    ``where`` is the attname compared and the SQL it is compared to, as "attname=SQL";
    ``tail`` is ``lock`` (FOR UPDATE where the backend has it) or ``order:<attname>``.
    """
    del vendor  # part of the cache key: quoting and FOR UPDATE differ per backend
    attname, value_sql = where.split("=", 1)
    sql = f"SELECT {table.cols(columns)} FROM {table.name} WHERE {table.col(attname)} = {value_sql}"
    if tail == "lock":
        sql += _for_update()
    elif tail.startswith("order:"):
        sql += f" ORDER BY {table.col(tail[6:])}"
    return sql


@cache
def _update_sql(table: Table[Any], columns: tuple[str, ...], vendor: str) -> str:
    del vendor  # part of the cache key: quoting differs per backend
    sets = ", ".join(f"{table.col(n)} = %s" for n in columns)
    return f"UPDATE {table.name} SET {sets} WHERE {table.col('id')} = %s"


@dataclass(frozen=True)
class InstanceRef:
    """An SQL expression for the id of the instance a step works on."""

    sql: str
    params: tuple[Any, ...]

    @classmethod
    def by_id(cls, instance_id: int) -> InstanceRef:
        return cls("%s", (instance_id,))

    @classmethod
    def of_task(cls, task_id: int) -> InstanceRef:
        """The task's instance, without a round trip to look it up first."""
        sql = _select_sql(TASKS, ("instance_id",), "id=%s", "", connection.vendor)
        return cls(f"({sql})", (task_id,))


class StateRead:
    """Queue the reads of an instance's scopes and tokens (no lock of their own)."""

    def __init__(self, batch: Batch, ref: InstanceRef) -> None:
        vendor = connection.vendor
        where = f"instance_id={ref.sql}"
        self._scopes = batch.add(
            _select_sql(SCOPES, SCOPE_COLUMNS, where, "", vendor), ref.params, fetch=True
        )
        self._tokens = batch.add(
            _select_sql(TOKENS, TOKEN_COLUMNS, where, "order:ordinal", vendor),
            ref.params,
            fetch=True,
        )

    def state(self) -> InstanceState:
        scopes = {}
        for row in self._scopes.rows:
            id_, element_id, parent_id, token_id, variables = SCOPES.decode(SCOPE_COLUMNS, row)
            scopes[id_.hex] = Scope(
                id=id_.hex,
                element_id=element_id,
                parent_id=parent_id.hex if parent_id else None,
                token_id=token_id.hex if token_id else None,
                variables=variables,
            )
        tokens = {}
        for row in self._tokens.rows:
            id_, element_id, scope_id, state, arrived_via, leaving = TOKENS.decode(
                TOKEN_COLUMNS, row
            )
            tokens[id_.hex] = Token(
                id=id_.hex,
                element_id=element_id,
                scope_id=scope_id.hex,
                state=TokenState(state),
                arrived_via=arrived_via or None,
                leaving=bool(leaving),
            )
        root = next(s for s in scopes.values() if s.parent_id is None)
        return InstanceState(
            process_id=root.element_id, root_scope_id=root.id, tokens=tokens, scopes=scopes
        )


class LockedLoad:
    """Queue the lock of the instance row, then (optionally) the reads of its state."""

    def __init__(self, batch: Batch, ref: InstanceRef, *, with_state: bool = True) -> None:
        self._instance = batch.add(
            _select_sql(
                INSTANCES, INSTANCES.all_columns, f"id={ref.sql}", "lock", connection.vendor
            ),
            ref.params,
            fetch=True,
        )
        self._state = StateRead(batch, ref) if with_state else None

    def instance(self) -> ProcessInstance | None:
        row = self._instance.first()
        return INSTANCES.instance(row) if row is not None else None

    def state(self) -> InstanceState:
        if self._state is None:
            raise RuntimeError("This load did not read the instance state")
        return self._state.state()


class TaskLoad:
    """Queue the reads of a task (locked, after its instance) and of its candidates."""

    def __init__(self, batch: Batch, task_id: int) -> None:
        vendor = connection.vendor
        self._task = batch.add(
            _select_sql(TASKS, TASKS.all_columns, "id=%s", "lock", vendor), (task_id,), fetch=True
        )
        self._candidates = batch.add(
            _select_sql(CANDIDATES, ("user", "group"), "task_id=%s", "order:id", vendor),
            (task_id,),
            fetch=True,
        )

    def task(self) -> UserTask | None:
        row = self._task.first()
        return TASKS.instance(row) if row is not None else None

    def candidates(self) -> list[tuple[str, str]]:
        """(user, group) pairs, one of them empty, as in ``TaskCandidate``."""
        return [(user, group) for user, group in self._candidates.rows]


def queue_group_names(batch: Batch, user: AbstractBaseUser) -> Result | None:
    """The names of the user's groups (``user.groups``), or None if the user model has
    no ``groups`` relation to read in SQL (then ask ``identity.user_groups``)."""
    try:
        field = user._meta.get_field("groups")  # type: ignore[misc]
    except (AttributeError, FieldDoesNotExist):  # a user model without groups
        return None
    if not isinstance(field, models.ManyToManyField) or user.pk is None:
        return None
    group_model = field.related_model
    if not isinstance(group_model, type):  # pragma: no cover - a lazy string reference
        return None
    quote = connection.ops.quote_name
    group_table = quote(group_model._meta.db_table)
    through = quote(field.m2m_db_table())
    group_pk = quote(group_model._meta.pk.column or "id") if group_model._meta.pk else "id"
    return batch.add(
        f"SELECT g.{quote('name')} FROM {group_table} g JOIN {through} m "
        f"ON m.{quote(field.m2m_reverse_name())} = g.{group_pk} "
        f"WHERE m.{quote(field.m2m_column_name())} = %s",
        (user.pk,),
        fetch=True,
    )


# --- writing -------------------------------------------------------------------------


def queue_state_changes(
    batch: Batch, instance: ProcessInstance, state: InstanceState, changes: Changes
) -> None:
    """Write only what the step changed. Saved tokens get ordinals after every older
    token, in the state's order, so a reload sees the same arrival order."""
    if changes.tokens_removed:
        batch.add(*_delete(TOKENS, instance.pk, changes.tokens_removed))
    if changes.scopes_removed:
        batch.add(*_delete(SCOPES, instance.pk, changes.scopes_removed))
    if changes.scopes_saved:
        rows = [_scope_values(instance.pk, state.scopes[i]) for i in changes.scopes_saved]
        batch.add(*SCOPES.insert(("instance_id", *SCOPE_COLUMNS), rows, upsert_on="id"))
    if changes.tokens_saved:
        base = (instance.version + 1) * 1_000_000
        rows = [
            _token_values(instance.pk, token, base + position)
            for position, token in enumerate(state.tokens.values())
            if token.id in changes.tokens_saved
        ]
        batch.add(*TOKENS.insert(("instance_id", *TOKEN_COLUMNS, "ordinal"), rows, upsert_on="id"))


def _delete(table: Table[Any], instance_id: int, ids: set[str]) -> tuple[str, list[Any]]:
    ids_sql = ", ".join(["%s"] * len(ids))
    sql = (
        f"DELETE FROM {table.name} WHERE {table.col('instance_id')} = %s "
        f"AND {table.col('id')} IN ({ids_sql})"
    )
    return sql, [instance_id, *table.params(["id"] * len(ids), list(ids))]


def _scope_values(instance_id: int, scope: Scope) -> tuple[Any, ...]:
    return (
        instance_id,
        scope.id,
        scope.element_id,
        scope.parent_id,
        scope.token_id,
        scope.variables,
    )


def _token_values(instance_id: int, token: Token, ordinal: int) -> tuple[Any, ...]:
    return (
        instance_id,
        token.id,
        token.element_id,
        token.scope_id,
        token.state.value,
        token.arrived_via or "",
        token.leaving,
        ordinal,
    )


def queue_history(batch: Batch, rows: Sequence[tuple[Any, ...]]) -> None:
    """Append history rows (``HISTORY_COLUMNS`` order), a few multi-row INSERTs at most."""
    for start in range(0, len(rows), HISTORY_ROWS_PER_INSERT):
        batch.add(*HISTORY.insert(HISTORY_COLUMNS, rows[start : start + HISTORY_ROWS_PER_INSERT]))


def queue_instance_update(batch: Batch, instance: ProcessInstance) -> None:
    names = ("version", "state", "ended_at", "open_incidents")
    values = [getattr(instance, n) for n in names]
    batch.add(
        _update_sql(INSTANCES, names, connection.vendor),
        [*INSTANCES.params(names, values), instance.pk],
    )


def queue_instance_insert(batch: Batch, instance: ProcessInstance) -> Result:
    """Insert a new instance row; the result holds its id."""
    names = tuple(a for a in INSTANCES.all_columns if a != "id")
    values = [getattr(instance, n) for n in names]
    return batch.add(*INSTANCES.insert(names, [values], returning="id"), fetch=True)


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


def queue_task_update(batch: Batch, task: UserTask, names: Sequence[str]) -> None:
    values = [getattr(task, n) for n in names]
    batch.add(
        _update_sql(TASKS, tuple(names), connection.vendor), [*TASKS.params(names, values), task.pk]
    )


def history_row(
    instance_id: int,
    event: str,
    *,
    element_id: str,
    token_id: str | None,
    user: str,
    data: dict[str, Any],
    timestamp: datetime,
) -> tuple[Any, ...]:
    return (instance_id, event, element_id, token_id or None, user, data, timestamp)
