# ruff: noqa: S608 - SQL text is built only from model metadata and fixed literals.
"""The process filter's choices: the processes that have tasks in a user's views.

Asked per definition (``EXISTS``, which stops at the first task found) rather than as a
``DISTINCT`` over every task the views hold, which read all of them on every page load.
An ``EXISTS`` cannot stop early for a definition without a matching task, though:
PostgreSQL plans the correlated check with the same estimate for every definition (half
the instances each, with two deployed), so proving "none" walked every instance in the
table, once per such definition (about 20 ms per definition at 100,000 instances).
Open tasks belong to running instances, so the open-task checks are asked only for the
definitions that have a running instance. Those are found first by a walk of the
``(definition_id, state)`` index that jumps from one definition to the next (a few
index probes per definition, whatever the number of instances), and they reach the
second query as literal ids.
"""

from __future__ import annotations

import operator
from functools import reduce
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import Exists, OuterRef, Q

from bpmn_engine.models import ProcessDefinition, ProcessInstance

if TYPE_CHECKING:
    from approvals.inbox import UserInbox

RUNNING = (ProcessInstance.State.ACTIVE, ProcessInstance.State.SUSPENDED)
"""Instance states that can hold open tasks."""


def _running_definitions_sql() -> str:
    table = connection.ops.quote_name(ProcessInstance._meta.db_table)
    running = " OR ".join(
        f"EXISTS (SELECT 1 FROM {table} r WHERE r.definition_id = used.id AND r.state = %s)"
        for _state in RUNNING
    )
    # A loose index scan: each step asks the index for the next definition id, so it
    # costs one probe per definition, however many instances each has.
    return (
        "WITH RECURSIVE used(id) AS ("
        f"(SELECT definition_id FROM {table} ORDER BY definition_id LIMIT 1) "
        f"UNION ALL SELECT (SELECT i.definition_id FROM {table} i "
        "WHERE i.definition_id > used.id ORDER BY i.definition_id LIMIT 1) "
        "FROM used WHERE used.id IS NOT NULL) "
        f"SELECT id FROM used WHERE id IS NOT NULL AND ({running})"
    )


def definitions_running() -> list[int]:
    """Ids of the definitions with at least one active or suspended instance."""
    if connection.vendor != "postgresql":
        rows = ProcessInstance.objects.filter(state__in=RUNNING).values_list(
            "definition_id", flat=True
        )
        return sorted(set(rows))
    with connection.cursor() as cursor:
        cursor.execute(_running_definitions_sql(), [str(state) for state in RUNNING])
        return [int(row[0]) for row in cursor.fetchall()]


def inbox_processes(inbox: UserInbox) -> list[tuple[str, str]]:
    """(key, name) of the processes that have tasks in any of the user's views."""
    of_definition = Q(instance__definition=OuterRef("pk"))
    # *My tasks* and *Group tasks* split the engine's inbox, so it is asked once.
    open_tasks = [inbox.actionable, inbox.view("involved")]
    has_open = reduce(
        operator.or_, [Exists(tasks.order_by().filter(of_definition)) for tasks in open_tasks]
    )
    running = definitions_running()
    has_completed = Exists(inbox.view("completed").order_by().filter(of_definition))
    rows = ProcessDefinition.objects.filter(
        (Q(pk__in=running) & has_open) | has_completed
    ).values_list("key", "name")
    seen: dict[str, str] = {}
    for key, name in rows.order_by("key", "-version"):
        seen.setdefault(key, name or key)
    return sorted(seen.items(), key=lambda item: item[1].lower())
