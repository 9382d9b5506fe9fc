# ruff: noqa: S608 - SQL text is built only from model metadata (quoted names) and %s.
"""History rows of a step: appended with the step's writes, in emission order.

On PostgreSQL all of a step's rows travel as *one* JSON parameter and are unpacked by
the server (``jsonb_array_elements ... WITH ORDINALITY``, ids taken in array order).
A multi-row ``VALUES`` list needs seven parameters per row, each bound client-side
(quoted and escaped) and, past 50 parameters, psycopg parses the query text anew on
every call; one JSON text is a single ``json.dumps`` and one quoted literal. The
``data`` column is filled with the JSON values themselves (no text round trip), so a
row reads back exactly as the ORM wrote it. Other backends (SQLite) get the multi-row
``INSERT``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import cache
from typing import Any

from django.db import connection

from bpmn_engine.models import HistoryEvent
from bpmn_engine.persistence.batch import Batch
from bpmn_engine.persistence.tables import Table

HISTORY = Table(HistoryEvent)
HISTORY_COLUMNS = ("instance_id", "event", "element_id", "token_id", "user", "data", "timestamp")
HISTORY_ROWS_PER_INSERT = 100
"""Keeps a statement's parameters well under SQLite's limit (7 per row)."""


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


def queue_history(
    batch: Batch, rows: Sequence[tuple[Any, ...]], *, task_of_token: Mapping[int, str] = {}
) -> None:
    """Append history rows (``HISTORY_COLUMNS`` order): one statement on PostgreSQL, a
    few multi-row INSERTs elsewhere.

    ``task_of_token`` (PostgreSQL only) maps ``id()`` of a row's ``data`` to a token id:
    that row's ``data["task_id"]`` is set by the server to the id of the token's open
    task, for a task inserted earlier in the same batch whose id is not back yet.
    """
    if not rows:
        return
    if connection.vendor == "postgresql":
        batch.add(_json_insert_sql(), (_rows_json(rows, task_of_token),))
        return
    if task_of_token:
        raise RuntimeError("task_of_token needs PostgreSQL; give the task ids instead")
    for start in range(0, len(rows), HISTORY_ROWS_PER_INSERT):
        batch.add(*HISTORY.insert(HISTORY_COLUMNS, rows[start : start + HISTORY_ROWS_PER_INSERT]))


def _rows_json(rows: Sequence[tuple[Any, ...]], task_of_token: Mapping[int, str]) -> str:
    """The rows as one JSON array of arrays; timestamps as ISO 8601 (with their offset),
    token ids as text, ``data`` encoded as the model field encodes it, and an eighth
    element on the rows whose task id the server fills in."""
    timestamps: dict[datetime, str] = {}  # a step's rows share one timestamp
    packed: list[tuple[Any, ...]] = []
    for instance_id, event, element_id, token_id, user, data, timestamp in rows:
        when = timestamps.get(timestamp)
        if when is None:
            when = timestamps[timestamp] = _timestamp_text(timestamp)
        token = None if token_id is None else str(token_id)
        row = (instance_id, event, element_id, token, user, data, when)
        fill = task_of_token.get(id(data)) if task_of_token else None
        packed.append(row if fill is None else (*row, fill))
    return json.dumps(packed, cls=_data_encoder(), separators=(",", ":"))


def _timestamp_text(value: datetime) -> str:
    """What the column stores, as text: the field's own preparation (time zone
    handling), then ISO 8601, which ``::timestamptz`` reads back exactly."""
    prepared = HISTORY.params(("timestamp",), (value,))[0]
    return prepared.isoformat() if isinstance(prepared, datetime) else str(prepared)


@cache
def _data_encoder() -> type[json.JSONEncoder] | None:
    field = HistoryEvent._meta.get_field("data")
    return getattr(field, "encoder", None)


@cache
def _json_insert_sql() -> str:
    """``INSERT ... SELECT`` from the JSON array, in array order."""
    from bpmn_engine.persistence.task_rows import open_task_of_token_sql

    task_id = f"to_jsonb(({open_task_of_token_sql('(r.e->>7)::uuid')}))"
    data = (
        "CASE WHEN r.e->>7 IS NULL THEN r.e->5 "
        f"ELSE jsonb_set(r.e->5, '{{task_id}}', {task_id}) END"
    )
    return (
        f"INSERT INTO {HISTORY.name} ({HISTORY.cols(HISTORY_COLUMNS)}) "
        f"SELECT (r.e->>0)::bigint, r.e->>1, r.e->>2, (r.e->>3)::uuid, r.e->>4, {data}, "
        "(r.e->>6)::timestamptz "
        "FROM jsonb_array_elements(%s::jsonb) WITH ORDINALITY AS r(e, n) ORDER BY r.n"
    )
