# ruff: noqa: S608 - SQL text is built only from model metadata (quoted names) and %s.
"""A model's table as plain SQL: quoted names, statement text, and the ORM's conversions.

Values written go through each field's ``get_db_prep_save`` and values read through the
same converters the ORM's compiler applies (``from_db_value`` and the backend's), so a
row written here reads back through the ORM exactly as if the ORM had written it, on
PostgreSQL and on SQLite alike. Statement text is built once per shape and cached.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import cache, partial
from typing import Any, Generic, TypeVar
from uuid import UUID

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper

M = TypeVar("M", bound=models.Model)
Converter = Callable[[Any, Any, Any], Any]


class Table(Generic[M]):
    def __init__(self, model: type[M]) -> None:
        self.model = model
        self.fields = {f.attname: f for f in model._meta.concrete_fields}
        self.all_columns = tuple(self.fields)
        """Every concrete field's attname, in model order (what ``from_db`` expects)."""

    @property
    def name(self) -> str:
        return _quoted(self, connection.vendor)[""]

    def col(self, attname: str) -> str:
        return _quoted(self, connection.vendor)[attname]

    def cols(self, attnames: Iterable[str]) -> str:
        quoted = _quoted(self, connection.vendor)
        return ", ".join(quoted[a] for a in attnames)

    # --- writing ----------------------------------------------------------------------

    def params(self, attnames: Sequence[str], values: Sequence[Any]) -> list[Any]:
        """Values as the driver takes them, as each field's ``get_db_prep_save`` makes them."""
        db = connections[DEFAULT_DB_ALIAS]
        adapters = _adapters(self, db.vendor)
        return [
            value if (adapt := adapters[attname]) is None else adapt(value, db)
            for attname, value in zip(attnames, values, strict=True)
        ]

    def insert_sql(
        self,
        attnames: tuple[str, ...],
        rows: int,
        *,
        returning: str | None = None,
        upsert_on: str | None = None,
    ) -> str:
        """``INSERT`` of ``rows`` rows; ``upsert_on`` updates every other column on conflict."""
        return _insert_sql(self, attnames, rows, returning, upsert_on)

    def insert(
        self,
        attnames: tuple[str, ...],
        rows: Sequence[Sequence[Any]],
        **options: Any,
    ) -> tuple[str, list[Any]]:
        params = [p for row in rows for p in self.params(attnames, row)]
        return self.insert_sql(attnames, len(rows), **options), params

    # --- reading ----------------------------------------------------------------------

    def decode(self, attnames: Sequence[str], row: Sequence[Any]) -> list[Any]:
        """Convert one raw row as the ORM would (JSON text to objects, UUIDs, datetimes)."""
        db = connections[DEFAULT_DB_ALIAS]
        converters = _converters(self, tuple(attnames), db.vendor)
        values = list(row)
        for index, chain in converters:
            value = values[index]
            for converter, expression in chain:
                value = converter(value, expression, db)
            values[index] = value
        return values

    def instance(self, row: Sequence[Any]) -> M:
        """A model instance from a row of ``all_columns`` (saved, bound to the database)."""
        return self.model.from_db(
            connection.alias, self.all_columns, self.decode(self.all_columns, row)
        )


PASS_THROUGH = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "ForeignKey",
    "IntegerField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "TextField",
}
"""Fields whose ``get_db_prep_save`` returns the engine's values unchanged (str, int,
bool, None); every other field goes through it."""


Adapter = Callable[[Any, BaseDatabaseWrapper], Any]


@cache
def _adapters(table: Table[Any], vendor: str) -> dict[str, Adapter | None]:
    adapters: dict[str, Adapter | None] = {}
    for attname, field in table.fields.items():
        if field.get_internal_type() in PASS_THROUGH:
            adapters[attname] = None
        elif field.get_internal_type() == "UUIDField" and vendor == "postgresql":
            adapters[attname] = partial(_prepare_uuid, field)
        else:
            adapters[attname] = partial(_prepare, field)
    return adapters


def _prepare(field: models.Field[Any, Any], value: Any, db: BaseDatabaseWrapper) -> Any:
    """The field's own preparation, given the connection itself (not the ``connection``
    proxy, which costs a context-local lookup on each of the field's accesses)."""
    return field.get_db_prep_save(value, db)


def _prepare_uuid(field: models.Field[Any, Any], value: Any, db: BaseDatabaseWrapper) -> Any:
    """The engine's ids are hex text; on PostgreSQL ``UUIDField`` turns text into a
    ``UUID`` (``to_python``) and passes it on, so do just that for text."""
    if isinstance(value, str):
        try:
            return UUID(hex=value)
        except ValueError:
            pass  # the field's own path raises its ValidationError
    return field.get_db_prep_save(value, db)


@cache
def _quoted(table: Table[Any], vendor: str) -> dict[str, str]:
    """Quoted column names by attname, and the quoted table name under ""."""
    del vendor  # part of the cache key: quoting differs per backend
    quote = connection.ops.quote_name
    names = {a: quote(f.column or a) for a, f in table.fields.items()}
    names[""] = quote(table.model._meta.db_table)
    return names


@cache
def _insert_sql(
    table: Table[Any],
    attnames: tuple[str, ...],
    rows: int,
    returning: str | None,
    upsert_on: str | None,
) -> str:
    placeholders = "(" + ", ".join(["%s"] * len(attnames)) + ")"
    sql = (
        f"INSERT INTO {table.name} ({table.cols(attnames)}) "
        f"VALUES {', '.join([placeholders] * rows)}"
    )
    if upsert_on is not None:
        updates = ", ".join(
            f"{table.col(a)} = EXCLUDED.{table.col(a)}" for a in attnames if a != upsert_on
        )
        sql += f" ON CONFLICT ({table.col(upsert_on)}) DO UPDATE SET {updates}"
    if returning is not None:
        sql += f" RETURNING {table.col(returning)}"
    return sql


@cache
def _converters(
    table: Table[Any], attnames: tuple[str, ...], vendor: str
) -> list[tuple[int, list[tuple[Converter, Any]]]]:
    """Per column, the converter chain ``SQLCompiler.get_converters`` would build."""
    del vendor  # part of the cache key: converters differ per backend
    result = []
    for index, attname in enumerate(attnames):
        expression = table.fields[attname].get_col(table.model._meta.db_table)
        chain = connection.ops.get_db_converters(expression) + expression.get_db_converters(
            connection
        )
        if chain:
            result.append((index, [(converter, expression) for converter in chain]))
    return result


@cache
def update_sql(table: Table[Any], columns: tuple[str, ...], vendor: str) -> str:
    del vendor  # part of the cache key: quoting differs per backend
    sets = ", ".join(f"{table.col(n)} = %s" for n in columns)
    return f"UPDATE {table.name} SET {sets} WHERE {table.col('id')} = %s"
