# ruff: noqa: S608 - SQL text is built only from model metadata (quoted table names).
"""Growth: does a step get slower, or the stored state bigger, as an instance loops?

Runs ``benchmarks/loop.bpmn`` (review -> count -> gateway -> review) on the database.
For several instances side by side, the step (one ``task_complete``) that completes
iteration 5 and iteration 200 is timed; the figure is the median over instances of the
mean of a small window around each. *Stored state* is what a step loads: the bytes of
the instance's token and scope rows (``pg_column_size``) and its open task count.
History rows grow by design (the audit trail) and are not loaded by a step.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from django.db import connection

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
    *, instances: int = 5, early: int = 5, late: int = 200, window: int = 3
) -> dict[str, Any]:
    """Time the steps around iteration ``early`` and ``late``; compare stored state."""
    definition = deploy_benchmark("loop")
    user = benchmark_user()
    rounds = late + window + 1  # the loop must still be running at ``late``
    early_times: list[float] = []
    late_times: list[float] = []
    states: dict[str, dict[str, int]] = {}
    for _ in range(instances):
        step = instance_start_step(
            definition=definition, variables={"iteration": 0, "rounds": rounds}, user=user
        )
        instance_id, opened = step.instance.pk, step.created_task_ids
        times: dict[int, float] = {}
        for iteration in range(1, late + window):
            started = time.perf_counter()
            _, step = task_complete_step(task_id=opened[0], user=user)
            times[iteration] = time.perf_counter() - started
            opened = step.created_task_ids
            if iteration in (early, late):
                states[f"iteration_{iteration}"] = stored_state(instance_id)
        early_times.append(statistics.fmean(times[i] for i in range(early, early + window)))
        late_times.append(statistics.fmean(times[i] for i in range(late, late + window)))
    early_ms = statistics.median(early_times) * 1000
    late_ms = statistics.median(late_times) * 1000
    return {
        "instances": instances,
        f"step_ms_at_{early}": round(early_ms, 3),
        f"step_ms_at_{late}": round(late_ms, 3),
        "time_ratio": round(late_ms / early_ms, 3),
        f"state_at_{early}": states[f"iteration_{early}"],
        f"state_at_{late}": states[f"iteration_{late}"],
        "state_equal": states[f"iteration_{early}"] == states[f"iteration_{late}"],
    }
