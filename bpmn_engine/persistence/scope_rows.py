"""Scope rows as read, so a step can skip rewriting a scope it did not change.

A task completion often sets a variable to the value it already has (an approval chain
sets ``approved = true`` at every step); rewriting the row then costs an upsert, its
JSON and its WAL for nothing. The state read records each scope row as read; the save
compares and leaves out the ones that are equal.
"""

from __future__ import annotations

import json
from typing import Any
from weakref import WeakKeyDictionary

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

from bpmn_engine.interpreter.state import Scope

_scopes_read: WeakKeyDictionary[BaseDatabaseWrapper, dict[str, tuple[Any, ...]]] = (
    WeakKeyDictionary()
)


def scopes_as_read() -> dict[str, tuple[Any, ...]]:
    """Per connection: the scope rows of the last state read, as read (element, parent,
    token, raw variables JSON), so a step can skip rewriting a scope it did not change
    (a task completion often sets a variable to the value it has). Each read replaces
    them and each save consumes them, so they only ever stand for rows read under the
    lock the step still holds."""
    return _scopes_read.setdefault(connections[DEFAULT_DB_ALIAS], {})


def unchanged(as_read: tuple[Any, ...] | None, scope: Scope) -> bool:
    """Whether ``scope`` equals the row read. Variables compare as canonical JSON, so
    ``1``, ``1.0`` and ``true`` stay different."""
    if as_read is None:
        return False
    element_id, parent_id, token_id, raw = as_read
    if (element_id, parent_id, token_id) != (scope.element_id, scope.parent_id, scope.token_id):
        return False
    try:
        before = json.loads(raw) if isinstance(raw, str | bytes) else raw
        return _canonical(before) == _canonical(scope.variables)
    except (TypeError, ValueError):
        return False


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))
