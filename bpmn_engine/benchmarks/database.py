"""Committed events per second on the configured database, beside a raw baseline.

An *event* is one committed wait-state transition: one transaction that moves an
instance from one set of wait states to the next (a start, or a task completion), with
everything the engine does in it (instance lock, interpreter, token/scope/task writes,
history rows). The *baseline* is the least a durable engine could do per event: one
INSERT, one UPDATE and a COMMIT on the same connection, with the same
``synchronous_commit``. Both run alternately in the same process so drift affects both.

Both run with ``DEBUG`` off, as production does: with it on, Django records every query
on the connection (a dict and a string format per statement), which is debugging cost,
not engine cost. ``debug=True`` measures with it on, again for both sides alike.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth.models import Group, User
from django.db import connection, transaction
from django.test.utils import override_settings

from bpmn_engine.models import ProcessDefinition
from bpmn_engine.services.deploy import definition_deploy
from bpmn_engine.services.instances import instance_start_step
from bpmn_engine.services.tasks import task_complete_step

HERE = Path(__file__).resolve().parent


@dataclass
class Timing:
    events: int = 0
    seconds: float = 0.0

    @property
    def per_second(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


def deploy_benchmark(name: str) -> ProcessDefinition:
    data = (HERE / f"{name}.bpmn").read_bytes()
    return definition_deploy(data=data, filename=f"{name}.bpmn").definitions[0]


def benchmark_user() -> User:
    user, _ = User.objects.get_or_create(username="bench-manager")
    user.groups.add(Group.objects.get_or_create(name="managers")[0])
    return user


def run_engine_events(definition: ProcessDefinition, user: User, events: int) -> Timing:
    """Start approval instances and complete their tasks until ``events`` commits.

    The next task to complete is the one the previous step opened, as the services
    report it, so the loop measures only the services (no extra query per event).
    """
    timing = Timing()
    start = time.perf_counter()
    while timing.events < events:
        opened = instance_start_step(
            definition=definition, variables={"amount": 5000}, user=user
        ).created_task_ids
        timing.events += 1
        while opened and timing.events < events:
            _, step = task_complete_step(task_id=opened[0], user=user, variables={"approved": True})
            opened = step.created_task_ids
            timing.events += 1
    timing.seconds = time.perf_counter() - start
    return timing


def run_baseline_events(events: int) -> Timing:
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS baton_bench_baseline "
            "(id bigserial PRIMARY KEY, state text NOT NULL, version integer NOT NULL)"
        )
    start = time.perf_counter()
    for _ in range(events):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO baton_bench_baseline (state, version) VALUES ('waiting', 0) "
                "RETURNING id"
            )
            (row_id,) = cursor.fetchone()
            cursor.execute(
                "UPDATE baton_bench_baseline SET state = 'done', version = version + 1 "
                "WHERE id = %s",
                [row_id],
            )
    return Timing(events, time.perf_counter() - start)


def synchronous_commit() -> str:
    if connection.vendor != "postgresql":
        return "n/a"
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return str(cursor.fetchone()[0])


def database_benchmark(
    *, events: int = 2000, rounds: int = 3, debug: bool = False
) -> dict[str, Any]:
    """Engine and baseline in alternating rounds, both with ``DEBUG`` set to ``debug``."""
    with override_settings(DEBUG=debug):
        return _measure(events=events, rounds=rounds) | {"debug": debug}


def _measure(*, events: int, rounds: int) -> dict[str, Any]:
    definition = deploy_benchmark("approval_chain")
    user = benchmark_user()
    run_engine_events(definition, user, 50)  # warm caches (model, connection, plans)
    run_baseline_events(50)
    engine, baseline = Timing(), Timing()
    per_round = max(events // rounds, 1)
    for _ in range(rounds):
        for total, timing in (
            (engine, run_engine_events(definition, user, per_round)),
            (baseline, run_baseline_events(per_round)),
        ):
            total.events += timing.events
            total.seconds += timing.seconds
    return {
        "database": connection.vendor,
        "synchronous_commit": synchronous_commit(),
        "engine_events": engine.events,
        "engine_events_per_second": round(engine.per_second, 1),
        "baseline_events_per_second": round(baseline.per_second, 1),
        "ratio_to_baseline": round(engine.per_second / baseline.per_second, 3),
    }
