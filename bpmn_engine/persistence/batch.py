"""Statements sent together: one round trip on PostgreSQL, one by one elsewhere.

On this engine's hot path a statement costs more than a round trip: a local round trip is
about 30 µs, while each statement sent through psycopg's pipeline mode (extended protocol,
one Parse/Bind/Execute each) costs several times that. So a ``Batch`` on PostgreSQL binds
its parameters client-side (as Django's default ``ClientCursor`` does for every query) and
sends all its statements as *one* simple-protocol query, ``stmt1; stmt2; ...``. The server
runs them in order inside the open transaction, each with its own snapshot, so a read
queued after ``SELECT ... FOR UPDATE`` sees everything committed before the lock was
granted; the first error stops the rest and aborts the transaction. Each statement's rows
come back as its own result set (``cursor.nextset()``).

Planning is most of a small statement's server time, so each statement text is also
prepared once per connection (``PREPARE baton_<hash> AS ...``, sent on its own the first
time that text is seen) and the joined query is a list of ``EXECUTE baton_<hash>(...)``.
``PREPARE`` is not undone by a rollback, and a statement is recorded as prepared only
once its ``PREPARE`` succeeded, so the record per connection never runs ahead of the
server. Named prepared statements need a session of their own: behind a pooler in
transaction mode (PgBouncer) set ``BPMN_ENGINE["PREPARE_STATEMENTS"] = False``.

Other backends (SQLite for the embedded mode), or PostgreSQL with server-side binding,
run the same statements one after the other, so both paths execute identical SQL in the
same order. Error translation (driver errors become ``django.db`` errors) and Django's
connection checks apply as for the ORM. When a query log (``DEBUG``,
``CaptureQueriesContext``) or an ``execute_wrapper`` is active, statements go through
Django's cursor wrapper so they see every batch; otherwise a batch inside a transaction
uses the driver cursor directly, which saves the wrapper's cost on every step.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any
from weakref import WeakKeyDictionary

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper

MAX_PREPARED_PER_CONNECTION = 256
"""Statement texts are few (one per row count of a multi-row INSERT, at most); past this
many on one connection, new texts run unprepared."""

_prepared: WeakKeyDictionary[Any, set[str]] = WeakKeyDictionary()
"""Per psycopg connection: the names of the statements prepared on it."""
_PLACEHOLDER = re.compile(r"%[s%]")
_PREPARABLE = ("SELECT", "INSERT", "UPDATE", "DELETE", "VALUES", "WITH")
"""What ``PREPARE`` accepts; anything else (DDL, ``SET``) runs as written."""


class Result:
    """The rows of one queued statement, available once its batch has run."""

    __slots__ = ("fetch", "params", "rows", "sql")

    def __init__(self, sql: str, params: Sequence[Any], fetch: bool) -> None:
        self.sql = sql
        self.params = params
        self.fetch = fetch
        self.rows: list[tuple[Any, ...]] = []

    def first(self) -> tuple[Any, ...] | None:
        return self.rows[0] if self.rows else None


class Batch:
    def __init__(self, db: BaseDatabaseWrapper | None = None) -> None:
        self.db = db or connections[DEFAULT_DB_ALIAS]
        self.pending: list[Result] = []

    def add(self, sql: str, params: Sequence[Any] = (), *, fetch: bool = False) -> Result:
        """Queue one statement (``%s`` placeholders, no trailing ``;``); ``fetch`` for one
        whose rows (SELECT, RETURNING) are read. Statements are prepared before their
        batch runs, so they may not use a table created earlier in the same batch, and a
        parameter takes its type from its context (a column it is compared with or
        written to); elsewhere give it a cast (``%s::integer``) or it is text."""
        result = Result(sql, params, fetch)
        self.pending.append(result)
        return result

    def run(self) -> None:
        """Execute everything queued, in order; results are filled in on return."""
        results, self.pending = self.pending, []
        if not results:
            return
        db = self.db
        if _direct(db):
            # The hot path: Django's cursor wrapper would add nothing here (no query log,
            # no execute wrappers), so use the driver cursor Django would have wrapped,
            # with the same checks and the same error translation around it.
            db.validate_thread_sharing()
            with db.wrap_database_errors:
                db.validate_no_broken_transaction()
                cursor = db.create_cursor()
                try:
                    _run_joined(cursor, db.connection, results)
                finally:
                    cursor.close()
            return
        with db.cursor() as wrapper:
            if _joins_statements(wrapper.cursor):
                _run_joined(wrapper, db.connection, results)
            else:
                _run_sequentially(wrapper, results)


def _direct(db: BaseDatabaseWrapper) -> bool:
    """Whether a batch may use the driver cursor: PostgreSQL with client-side binding,
    inside a transaction on an open connection, with no query logging (``DEBUG``,
    ``CaptureQueriesContext``) and no ``execute_wrappers`` that would miss it."""
    return (
        db.vendor == "postgresql"
        and db.in_atomic_block
        and db.connection is not None
        and not db.queries_logged
        and not db.execute_wrappers
        and _client_binding(db.connection)
    )


def _client_binding(driver_connection: Any) -> bool:
    return _is_client_cursor_class(getattr(driver_connection, "cursor_factory", None))


@lru_cache(maxsize=8)
def _is_client_cursor_class(factory: Any) -> bool:
    try:
        from psycopg import ClientCursor
    except ImportError:  # pragma: no cover - psycopg 3 is a dependency
        return False
    return isinstance(factory, type) and issubclass(factory, ClientCursor)


def _joins_statements(cursor: Any) -> bool:
    """True for psycopg 3's client-side binding cursor (Django's default)."""
    try:
        from psycopg import ClientCursor
    except ImportError:  # pragma: no cover - psycopg 3 is a dependency
        return False
    return isinstance(cursor, ClientCursor)


def _run_joined(cursor: Any, driver_connection: Any, results: list[Result]) -> None:
    """One simple-protocol query for the whole batch; ``cursor`` is a psycopg cursor or
    Django's wrapper of one (both take ``%s`` parameters and have ``nextset``)."""
    prepared = _prepared.setdefault(driver_connection, set()) if _prepare_enabled() else None
    texts = []
    params: list[Any] = []
    for result in results:
        texts.append(_prepared_text(cursor, prepared, result.sql))
        params.extend(result.params)
    cursor.execute(";\n".join(texts), params)
    for index, result in enumerate(results):
        if index:
            cursor.nextset()
        if result.fetch:
            result.rows = cursor.fetchall()


def _run_sequentially(cursor: CursorWrapper, results: list[Result]) -> None:
    for result in results:
        cursor.execute(result.sql, result.params)
        if result.fetch:
            result.rows = cursor.fetchall()


def _prepare_enabled() -> bool:
    from bpmn_engine.conf import engine_setting

    return bool(engine_setting("PREPARE_STATEMENTS"))


def _prepared_text(cursor: Any, prepared: set[str] | None, sql: str) -> str:
    """``EXECUTE name(%s, ...)`` for a statement prepared on this connection (preparing
    it now if needed; ``prepared`` holds the names done), or the statement itself."""
    if prepared is None:
        return sql
    forms = _prepared_forms(sql)
    if forms is None:
        return sql
    name, prepare, execute = forms
    if name not in prepared:
        if len(prepared) >= MAX_PREPARED_PER_CONNECTION:
            return sql
        cursor.execute(prepare)  # no parameters: the text goes as written
        prepared.add(name)
    return execute


@lru_cache(maxsize=1024)
def _prepared_forms(sql: str) -> tuple[str, str, str] | None:
    """(name, ``PREPARE name AS ...`` with $n parameters, ``EXECUTE name(%s, ...)``), or
    None for a statement ``PREPARE`` does not take."""
    if not sql.lstrip()[:7].upper().startswith(_PREPARABLE):
        return None
    name = "baton_" + hashlib.sha1(sql.encode(), usedforsecurity=False).hexdigest()[:20]
    count = 0

    def number(match: re.Match[str]) -> str:
        nonlocal count
        if match.group() == "%%":
            return "%"
        count += 1
        return f"${count}"

    body = _PLACEHOLDER.sub(number, sql)
    arguments = "(" + ", ".join(["%s"] * count) + ")" if count else ""
    return name, f"PREPARE {name} AS {body}", f"EXECUTE {name}{arguments}"
