# ruff: noqa: S608 - SQL text is built only from model metadata (quoted names) and %s.
"""Whether new tasks reach anyone to email, asked inside the step's last round trip.

``notifications.notify_tasks`` looks up the users a task reaches after the commit. Most
tasks in a batch system reach nobody with an address, and that lookup (one ORM query
after every step that opened a task) cost more than the step's own writes. The step
knows the new tasks' assignees and candidates already, so it queues this one statement
with its writes and only schedules the email lookup when some active user with an
address is among them. The test is the same as ``notifications._anyone_reached``: an
active user with a non-empty email whose name is an assignee or candidate user, or who
belongs to a candidate group.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from functools import cache

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models

from bpmn_engine.persistence.batch import Batch, Result


def queue_anyone_reached(batch: Batch, names: Collection[str], groups: Collection[str]) -> Result:
    """Queue the check; its result has a row if someone is reached. Needs
    ``reach_sql_available()`` and at least one name or group."""
    sql = _reach_sql(len(names), len(groups), connection.vendor)
    return batch.add(sql, [*sorted(names), *sorted(groups)], fetch=True)


def reach_sql_available() -> bool:
    """False for a user model without ``is_active``, ``email`` or a ``groups`` relation
    (then the caller leaves the question to ``notifications``)."""
    return _user_tables(connection.vendor) is not None


@dataclass(frozen=True)
class _UserTables:
    """Quoted names of the user, group and membership tables and their columns."""

    user: str
    user_pk: str
    username: str
    active: str
    email: str
    group: str
    group_pk: str
    group_name: str
    through: str
    through_user: str
    through_group: str


@cache
def _user_tables(vendor: str) -> _UserTables | None:
    del vendor  # part of the cache key: quoting differs per backend
    user_model = get_user_model()
    meta = user_model._meta
    try:
        groups = meta.get_field("groups")
        active = meta.get_field("is_active")
        email = meta.get_field(user_model.get_email_field_name())
        username = meta.get_field(user_model.USERNAME_FIELD)
    except FieldDoesNotExist:
        return None
    group_model = groups.related_model
    if not isinstance(groups, models.ManyToManyField) or not isinstance(group_model, type):
        return None
    try:
        group_name = group_model._meta.get_field("name")
    except FieldDoesNotExist:
        return None
    quote = connection.ops.quote_name

    def column(field: object) -> str:
        return quote(str(getattr(field, "column", "")))

    return _UserTables(
        user=quote(meta.db_table),
        user_pk=column(meta.pk),
        username=column(username),
        active=column(active),
        email=column(email),
        group=quote(group_model._meta.db_table),
        group_pk=column(group_model._meta.pk),
        group_name=column(group_name),
        through=quote(groups.m2m_db_table()),
        through_user=quote(groups.m2m_column_name()),
        through_group=quote(groups.m2m_reverse_name()),
    )


@cache
def _reach_sql(names: int, groups: int, vendor: str) -> str:
    t = _user_tables(vendor)
    if t is None or not (names or groups):
        raise RuntimeError("queue_anyone_reached needs the user tables and a name or group")
    reached = []
    if names:
        reached.append(f"u.{t.username} IN ({', '.join(['%s'] * names)})")
    if groups:
        reached.append(
            f"u.{t.user_pk} IN (SELECT m.{t.through_user} FROM {t.through} m "
            f"JOIN {t.group} g ON g.{t.group_pk} = m.{t.through_group} "
            f"WHERE g.{t.group_name} IN ({', '.join(['%s'] * groups)}))"
        )
    return (
        f"SELECT 1 FROM {t.user} u WHERE u.{t.active} AND u.{t.email} <> '' "
        f"AND ({' OR '.join(reached)}) LIMIT 1"
    )
