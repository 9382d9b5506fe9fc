"""Bounded task counts for the navigation, the header badge and the page caption.

A full ``COUNT(*)`` reads every task a user can see, so it grows with the inbox (about
40-50 ms at 10,000 visible tasks, half a second at 100,000). Nobody reads "10,000"
differently from "1,000+", so counts stop at ``COUNT_LIMIT``: a count over a
``LIMIT``-ed subquery stops once it has seen one row more than the limit, and the
page shows "1,000+" (``TaskCount.more``) instead of a number it did not count.
Several counts go to the database as one query.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import QuerySet

COUNT_LIMIT = 1000
"""Counts above this show as "1,000+"."""


@dataclass(frozen=True)
class TaskCount:
    """``value`` tasks, or with ``more`` set, more than ``value`` (``value`` is then the
    limit the count stopped at)."""

    value: int
    more: bool = False

    def __add__(self, other: TaskCount) -> TaskCount:
        """The sum, itself bounded: over the limit (or either part over its own) it is
        "more than ``COUNT_LIMIT``", which stays true whatever the parts' real sizes."""
        total = self.value + other.value
        if self.more or other.more or total > COUNT_LIMIT:
            return TaskCount(COUNT_LIMIT, more=True)
        return TaskCount(total)

    def __int__(self) -> int:
        return self.value

    def __bool__(self) -> bool:
        return self.value > 0 or self.more


def _count_of(rows: int, limit: int) -> TaskCount:
    return TaskCount(limit, more=True) if rows > limit else TaskCount(rows)


def bounded_counts(querysets: Mapping[str, tuple[QuerySet[Any], int]]) -> dict[str, TaskCount]:
    """Each queryset counted up to its limit, all in one query.

    ``querysets`` maps a name to (queryset, limit); every queryset must use the same
    database. Each becomes ``(SELECT COUNT(*) FROM (<its ids> LIMIT limit + 1))``.
    """
    if not querysets:
        return {}
    parts: list[str] = []
    params: list[Any] = []
    database = "default"
    for index, (queryset, limit) in enumerate(querysets.values()):
        database = queryset.db
        ids = queryset.order_by().values("pk")[: limit + 1]
        sql, part_params = ids.query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted_{index})")  # noqa: S608 (SQL from the ORM)
        params.extend(part_params)
    with connections[database].cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", params)
        row = cursor.fetchone()
    return {
        name: _count_of(int(rows), limit)
        for (name, (_queryset, limit)), rows in zip(querysets.items(), row, strict=True)
    }


def bounded_count(queryset: QuerySet[Any], limit: int | None = None) -> TaskCount:
    """One queryset counted up to ``limit`` (``COUNT_LIMIT`` if none; one query)."""
    return bounded_counts({"tasks": (queryset, limit or COUNT_LIMIT)})["tasks"]
