# ruff: noqa: S608 - SQL text is built only from model metadata (quoted names) and %s.
"""The statements of one step, queued on a ``Batch``: load under the lock, then write.

Reading: the instance row is locked first (``SELECT ... FOR UPDATE``), and the rows the
step needs (its task, the task's candidates, the user's groups, scopes, tokens) are read
by statements queued *after* the lock, so in one round trip they still see everything
committed before the lock was granted. Writing: the changed tokens and scopes, the
step's rows and history, and the instance's version go out together at the end.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models

from bpmn_engine.interpreter.state import Changes, InstanceState, Scope, Token, TokenState
from bpmn_engine.models import ProcessInstance, UserTask
from bpmn_engine.models import Scope as ScopeRow
from bpmn_engine.models import Token as TokenRow
from bpmn_engine.persistence.batch import Batch, Result
from bpmn_engine.persistence.history import HISTORY as HISTORY  # re-exported for services
from bpmn_engine.persistence.history import HISTORY_COLUMNS as HISTORY_COLUMNS
from bpmn_engine.persistence.history import history_row as history_row
from bpmn_engine.persistence.history import queue_history as queue_history
from bpmn_engine.persistence.scope_rows import scopes_as_read, unchanged
from bpmn_engine.persistence.tables import Table, update_sql
from bpmn_engine.persistence.task_rows import CANDIDATES as CANDIDATES  # re-exported
from bpmn_engine.persistence.task_rows import TASK_INSERT_COLUMNS as TASK_INSERT_COLUMNS
from bpmn_engine.persistence.task_rows import TASKS as TASKS
from bpmn_engine.persistence.task_rows import queue_candidates as queue_candidates
from bpmn_engine.persistence.task_rows import (
    queue_candidates_of_open_task as queue_candidates_of_open_task,
)
from bpmn_engine.persistence.task_rows import queue_task_insert as queue_task_insert
from bpmn_engine.persistence.task_rows import queue_task_update as queue_task_update

INSTANCES = Table(ProcessInstance)
SCOPES = Table(ScopeRow)
TOKENS = Table(TokenRow)

SCOPE_COLUMNS = ("id", "element_id", "parent_id", "token_id", "variables")
TOKEN_COLUMNS = ("id", "element_id", "scope_id", "state", "arrived_via", "leaving")


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
        as_read = scopes_as_read()
        as_read.clear()
        for row in self._scopes.rows:
            id_, element_id, parent_id, token_id, variables = SCOPES.decode(SCOPE_COLUMNS, row)
            scope = scopes[id_.hex] = Scope(
                id=id_.hex,
                element_id=element_id,
                parent_id=parent_id.hex if parent_id else None,
                token_id=token_id.hex if token_id else None,
                variables=variables,
            )
            as_read[scope.id] = (scope.element_id, scope.parent_id, scope.token_id, row[-1])
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
    as_read = scopes_as_read()
    saved = [
        i for i in changes.scopes_saved if not unchanged(as_read.pop(i, None), state.scopes[i])
    ]
    if saved:
        rows = [_scope_values(instance.pk, state.scopes[i]) for i in saved]
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


def queue_instance_update(batch: Batch, instance: ProcessInstance) -> None:
    names = ("version", "state", "ended_at", "open_incidents")
    values = [getattr(instance, n) for n in names]
    batch.add(
        update_sql(INSTANCES, names, connection.vendor),
        [*INSTANCES.params(names, values), instance.pk],
    )


def queue_instance_insert(batch: Batch, instance: ProcessInstance) -> Result:
    """Insert a new instance row; the result holds its id."""
    names = tuple(a for a in INSTANCES.all_columns if a != "id")
    values = [getattr(instance, n) for n in names]
    return batch.add(*INSTANCES.insert(names, [values], returning="id"), fetch=True)
