# ruff: noqa: S608 - SQL text is built only from model metadata and fixed literals.
"""Inbox query latency for a user in 10 of 1,000 groups who sees 10 % of open tasks.

Data is generated in the database with ``INSERT ... SELECT ... generate_series`` (no
Python loop per row): one instance per open task, cloned from a real started instance of
``benchmarks/approval_chain.bpmn`` so every column the engine writes is realistic. Each
task has one candidate group: every tenth task one of the user's 10 groups, the others
one of 990 other groups, so the user can see ``tasks / 10`` tasks. The timed call is what
the inbox page runs: ``user_task_inbox`` (group names, the rule lookup) and its first
page of 25, highest priority first; the full count, the bounded count the page's badge
and tabs show ("1,000+"), and whole GETs of the approvals inbox (*My tasks* and *Group
tasks*) are timed separately. ``diagrams/purchase_request.bpmn`` (four-eyes
rules) is deployed too, so the rule exclusion is in every query, as in a real install.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.contrib.auth.models import Group, User
from django.db import connection, models
from django.db.models import QuerySet
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from bpmn_engine.benchmarks.database import benchmark_user, deploy_benchmark
from bpmn_engine.models import ProcessInstance, TaskCandidate, UserTask
from bpmn_engine.selectors import user_task_inbox
from bpmn_engine.services.deploy import definition_deploy
from bpmn_engine.services.instances import instance_start_step

PAGE = 25
GROUPS = 1000
USER_GROUPS = 10
BADGE_LIMIT = 1000
"""``approvals.task_counts.COUNT_LIMIT``: the inbox's counts stop there."""
RULES_DIAGRAM = Path(__file__).resolve().parents[2] / "diagrams" / "purchase_request.bpmn"
"""Deployed beside the data so the four-eyes exclusion is part of every inbox query."""


def _clone(
    model: type[models.Model], template_pk: int, count: int, overrides: dict[str, str]
) -> int:
    """Insert ``count`` copies of one row, with SQL ``overrides`` (``g`` = 1..count).

    Returns the first new id; ids of one ``INSERT`` from a fresh sequence are contiguous
    here (a throw-away database with no other writer), which is checked.
    """
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = [str(f.column) for f in model._meta.concrete_fields if not f.primary_key]
    select = ", ".join(overrides.get(c, f"t.{quote(c)}") for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        before = cursor.fetchone()[0]
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) "
            f"SELECT {select} FROM {table} t, generate_series(1, %s) AS g "
            f"WHERE t.id = %s ORDER BY g",
            [count, template_pk],
        )
        cursor.execute(f"SELECT MIN(id), MAX(id) FROM {table} WHERE id > %s", [before])
        first, last = cursor.fetchone()
    if last - first + 1 != count:
        raise RuntimeError(f"Generated ids of {table} are not contiguous")
    return int(first)


def generate(tasks: int) -> User:
    """The data set; returns the user whose inbox is measured."""
    definition = deploy_benchmark("approval_chain")
    definition_deploy(data=RULES_DIAGRAM.read_bytes(), filename=RULES_DIAGRAM.name)
    step = instance_start_step(
        definition=definition, variables={"amount": 1}, user=benchmark_user()
    )
    template_task = UserTask.objects.get(pk=step.created_task_ids[0])
    first_instance = _clone(ProcessInstance, step.instance.pk, tasks, {})
    first_task = _clone(
        UserTask,
        template_task.pk,
        tasks,
        {
            "instance_id": f"{first_instance} + g - 1",
            "token_id": "gen_random_uuid()",
            # Independent of which tasks the user sees (every tenth): 101 is prime, so
            # the visible tasks spread over all priorities like the others.
            "priority": "mod(g::bigint * 7919, 101)::int",
            "created_at": "t.created_at - g * interval '1 second'",
        },
    )
    candidate = TaskCandidate.objects.get(task=template_task)
    _clone(
        TaskCandidate,
        candidate.pk,
        tasks,
        {
            "task_id": f"{first_task} + g - 1",
            "group": f"'g' || CASE WHEN mod(g, 10) = 0 THEN mod(g / 10, {USER_GROUPS}) "
            f"ELSE {USER_GROUPS} + mod(g, {GROUPS - USER_GROUPS}) END",
        },
    )
    Group.objects.bulk_create(Group(name=f"g{n}") for n in range(GROUPS))
    user = User.objects.create(username="inbox-user")
    user.groups.set(Group.objects.filter(name__in=[f"g{n}" for n in range(USER_GROUPS)]))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return user


def _latency(call: Callable[[], object], queries: int) -> dict[str, float]:
    call()  # warm the connection, the plan and the cached models
    times = []
    for _ in range(queries):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[max(int(len(times) * 0.95) - 1, 0)], 2),
    }


def _page_view(user: User, path: str = "/") -> Callable[[], object]:
    """A GET of an approvals inbox page (``/``, *My tasks*) as ``user``: every query the
    page runs (its page and counts, the process filter, the header badge) and the
    template."""
    client = Client()
    client.force_login(user)

    def get() -> object:
        with override_settings(ALLOWED_HOSTS=["testserver"]):
            response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"The inbox page answered {response.status_code}")
        return response

    return get


def count_bounded(queryset: QuerySet[UserTask], limit: int = BADGE_LIMIT) -> int:
    """The count the inbox's navigation and badge show: up to ``limit`` + 1 rows (the
    page shows "1,000+" above the limit), as ``approvals.task_counts`` counts."""
    return queryset.order_by().values("pk")[: limit + 1].count()


def _explain(queryset: QuerySet[UserTask], *, count: bool = False) -> str:
    """``EXPLAIN (ANALYZE, BUFFERS)`` of the page query, or of its ``COUNT(*)``."""
    if not count:
        return queryset.explain(analyze=True, buffers=True)
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM ({sql}) AS inbox", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _measure(user: User, queries: int) -> dict[str, Any]:
    def page() -> list[UserTask]:
        return list(user_task_inbox(user=user).order_by("-priority", "created_at")[:PAGE])

    def count() -> int:
        return user_task_inbox(user=user).count()

    page_query = user_task_inbox(user=user).order_by("-priority", "created_at")[:PAGE]
    figures: dict[str, Any] = {f"page_{k}": v for k, v in _latency(page, queries).items()}
    sql_only = _latency(lambda: list(page_query.all()), queries)
    figures.update({f"page_sql_only_{k}": v for k, v in sql_only.items()})
    figures.update({f"count_{k}": v for k, v in _latency(count, queries).items()})
    bounded = _latency(lambda: count_bounded(user_task_inbox(user=user)), queries)
    figures.update({f"count_bounded_{k}": v for k, v in bounded.items()})
    view = _latency(_page_view(user), max(queries // 4, 5))
    figures.update({f"html_page_{k}": v for k, v in view.items()})
    # *Group tasks*: the user's 10,000 visible tasks, a page of rows and their total.
    view = _latency(_page_view(user, "/inbox/group/"), max(queries // 4, 5))
    figures.update({f"html_group_page_{k}": v for k, v in view.items()})
    get_page = _page_view(user)  # signs in here, so the sign-in's queries are not counted
    get_page()
    with CaptureQueriesContext(connection) as captured:
        get_page()
    figures["html_page_queries"] = len(captured.captured_queries)
    figures["html_page_query_ms"] = [
        f"{float(query['time']) * 1000:.1f} {query['sql'][:60]}"
        for query in captured.captured_queries
    ]
    figures["plan (page query)"] = _explain(page_query)
    figures["plan (count)"] = _explain(user_task_inbox(user=user), count=True)
    return figures


def inbox_benchmark(*, tasks: int = 100_000, queries: int = 200) -> dict[str, Any]:
    """Inbox latency with the schema's indexes (migrations only, nothing created here).

    ``page`` is ``user_task_inbox`` (group names, the rule index) plus its first page;
    ``page_sql_only`` the page query alone; ``count`` the header badge; ``html_page`` a
    whole GET of the approvals inbox page.
    """
    if connection.vendor != "postgresql":
        return {"skipped": "the inbox benchmark needs PostgreSQL (generate_series)"}
    started = time.perf_counter()
    user = generate(tasks)
    results: dict[str, Any] = {
        "open_tasks": tasks,
        "visible_to_user": user_task_inbox(user=user).count(),
        "generate_seconds": round(time.perf_counter() - started, 1),
    }
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        results["jit"] = cursor.fetchone()[0]
    results.update(_measure(user, queries))
    return results
