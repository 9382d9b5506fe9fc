# ruff: noqa: S608 - SQL text is built only from model metadata (quoted table names).
"""Growth: does a step get slower, or the stored state bigger, as an instance loops?

Runs ``benchmarks/loop.bpmn`` (review -> count -> gateway -> review) on the database.
Several instances are brought to iteration 200 and as many to iteration 5; then their
next steps (one ``task_complete`` each) are timed, alternating early and late, and the
figure is the median over instances of the mean of each instance's window. *Stored
state* is what a step loads: the bytes of the instance's token and scope rows
(``pg_column_size``) and its open task count. History rows grow by design (the audit
trail) and are not loaded by a step. Like the database section, it runs with ``DEBUG``
off (production's setting), unless asked.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import override_settings

from bpmn_engine.benchmarks.database import benchmark_user, deploy_benchmark
from bpmn_engine.models import Scope, Token, UserTask
from bpmn_engine.services.instances import instance_start_step
from bpmn_engine.services.tasks import task_complete_step


def stored_state(instance_id: int) -> dict[str, int]:
    """Bytes of token and scope rows, and open tasks, of one instance."""
    sizes = {}
    for label, model in (("token_bytes", Token), ("scope_bytes", Scope)):
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(model._meta.db_table)
            size = f"pg_column_size({table}.*)" if connection.vendor == "postgresql" else "1"
            cursor.execute(
                f"SELECT COALESCE(SUM({size}), 0) FROM {table} WHERE instance_id = %s",
                [instance_id],
            )
            sizes[label] = int(cursor.fetchone()[0])
    open_tasks = UserTask.objects.filter(instance_id=instance_id, state=UserTask.State.OPEN)
    sizes["open_tasks"] = open_tasks.count()
    return sizes


def growth_benchmark(
    *, instances: int = 5, early: int = 5, late: int = 200, window: int = 5, debug: bool = False
) -> dict[str, Any]:
    """Time the steps around iteration ``early`` and ``late``; compare stored state."""
    with override_settings(DEBUG=debug):
        return _measure(instances=instances, early=early, late=late, window=window)


@dataclass
class _Run:
    """One loop instance, its open task, and how many iterations it has completed."""

    instance_id: int
    task_id: int
    done: int = 0
    times: list[float] = field(default_factory=list)


def _start(definition: Any, user: User, rounds: int) -> _Run:
    step = instance_start_step(
        definition=definition, variables={"iteration": 0, "rounds": rounds}, user=user
    )
    return _Run(step.instance.pk, step.created_task_ids[0])


def _complete(run: _Run, user: User, *, timed: bool) -> None:
    started = time.perf_counter()
    _, step = task_complete_step(task_id=run.task_id, user=user)
    if timed:
        run.times.append(time.perf_counter() - started)
    run.task_id, run.done = step.created_task_ids[0], run.done + 1


def _measure(*, instances: int, early: int, late: int, window: int) -> dict[str, Any]:
    """Bring ``instances`` loops to iteration ``late`` and as many to ``early`` (untimed),
    then time their next ``window`` steps *interleaved*, an early step and a late one in
    turn (which goes first alternates), so load that comes and goes on a shared machine
    falls on both alike. The figure is
    the median over instances of each instance's mean step time."""
    definition = deploy_benchmark("loop")
    user = benchmark_user()
    rounds = late + window + 1  # the loop must still be running after the window
    late_runs = [_start(definition, user, rounds) for _ in range(instances)]
    early_runs = [_start(definition, user, rounds) for _ in range(instances)]
    for runs, target in ((late_runs, late - 1), (early_runs, early - 1)):
        for run in runs:
            while run.done < target:
                _complete(run, user, timed=False)
    states: dict[int, dict[str, int]] = {}
    for round_ in range(window):
        for early_run, late_run in zip(early_runs, late_runs, strict=True):
            pair = (early_run, late_run) if round_ % 2 == 0 else (late_run, early_run)
            for run in pair:  # which goes first alternates, so neither gains by it
                _complete(run, user, timed=True)
            for run in pair:
                if run.done in (early, late):  # state after that iteration (last instance)
                    states[run.done] = stored_state(run.instance_id)
    early_ms = statistics.median(statistics.fmean(r.times) for r in early_runs) * 1000
    late_ms = statistics.median(statistics.fmean(r.times) for r in late_runs) * 1000
    return {
        "instances": instances,
        "window": window,
        f"step_ms_at_{early}": round(early_ms, 3),
        f"step_ms_at_{late}": round(late_ms, 3),
        "time_ratio": round(late_ms / early_ms, 3),
        f"state_at_{early}": states[early],
        f"state_at_{late}": states[late],
        "state_equal": states[early] == states[late],
    }
