"""Parallel and inclusive joins under forced races (issue 6, concurrency 1).

The harness pauses both transactions after they read and before they write. Run on a
deliberately naive join (read the arrivals, then write, no lock) it makes the join get
stuck every time: proof that it really races. Run on the engine's joins, the join fires
exactly once every time and no instance is left stuck.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction

from bpmn_engine.models import HistoryEvent, ProcessInstance, Token, UserTask
from bpmn_engine.services.instances import instance_start
from bpmn_engine.services.tasks import task_complete
from tests.durability.race import Harness

pytestmark = [pytest.mark.durability, pytest.mark.django_db(transaction=True)]

NAIVE_RACES = 1000


@pytest.fixture
def naive_tables() -> Any:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE durability_naive_arrival (race int, branch int)")
        cursor.execute("CREATE TABLE durability_naive_fired (race int)")
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE durability_naive_arrival, durability_naive_fired")


def naive_arrive(harness: Harness, race: int, branch: int) -> None:
    """The classic bug: count arrivals, then record mine, and fire if I was the last."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM durability_naive_arrival WHERE race = %s", [race])
        arrived = cursor.fetchone()[0]
        harness.gate.pause()
        cursor.execute("INSERT INTO durability_naive_arrival VALUES (%s, %s)", [race, branch])
        if arrived + 1 == 2:
            cursor.execute("INSERT INTO durability_naive_fired VALUES (%s)", [race])


def test_the_harness_makes_a_naive_join_get_stuck_every_time(harness, naive_tables):
    """Proof the harness races: both naive transactions read 0 arrivals before either
    writes, so neither fires, in all 1,000 races."""
    for race in range(NAIVE_RACES):
        result = harness.race(
            lambda r=race: naive_arrive(harness, r, 1), lambda r=race: naive_arrive(harness, r, 2)
        )
        assert result.errors() == []
        assert result.both_paused, f"race {race} did not pause both transactions"
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM durability_naive_fired")
        fired = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM durability_naive_arrival")
        arrivals = cursor.fetchone()[0]
    assert arrivals == 2 * NAIVE_RACES
    assert fired == 0, f"the naive join fired in {fired} of {NAIVE_RACES} races; expected 0"


def _open_tasks(instance: ProcessInstance, element_id: str) -> list[UserTask]:
    return list(UserTask.objects.filter(instance=instance, element_id=element_id, state="open"))


def _race_last_two(
    harness: Harness, boss: Any, instance: ProcessInstance, branches: list[str]
) -> None:
    """Complete all but the last two branches, then complete those two in a race."""
    tasks = [_open_tasks(instance, branch)[0] for branch in branches]
    for task in tasks[:-2]:
        task_complete(task_id=task.pk, user=boss)
    first, second = tasks[-2:]
    result = harness.race(
        lambda: task_complete(task_id=first.pk, user=boss),
        lambda: task_complete(task_id=second.pk, user=boss),
    )
    assert result.errors() == []
    assert result.waited_on_lock, "one completion must have waited on the instance lock"


def _assert_fired_once_and_not_stuck(boss: Any, instance: ProcessInstance, joined: int) -> None:
    after = _open_tasks(instance, "After")
    assert len(after) == 1, f"the join fired {len(after)} times; expected exactly once"
    assert not Token.objects.filter(instance=instance, element_id="Join").exists()
    completed = HistoryEvent.objects.filter(instance=instance, event="task_completed").count()
    assert completed == joined
    task_complete(task_id=after[0].pk, user=boss)
    assert ProcessInstance.objects.get(pk=instance.pk).state == "completed"


@pytest.mark.parametrize(("ways", "races"), [(2, 1000), (3, 200), (5, 100)])
def test_a_parallel_join_fires_exactly_once_when_the_last_two_branches_race(
    harness, deployed, boss, ways, races
):
    definition = deployed(f"durability/parallel_join_{ways}")
    branches = [f"Branch{i}" for i in range(1, ways + 1)]
    for _ in range(races):
        instance = instance_start(definition=definition, user=boss)
        _race_last_two(harness, boss, instance, branches)
        _assert_fired_once_and_not_stuck(boss, instance, ways)


def test_an_inclusive_join_fires_exactly_once_when_its_branches_race(harness, deployed, boss):
    definition = deployed("activities/inclusive_fork_join")
    for _ in range(200):
        instance = instance_start(definition=definition, variables={"a": True, "b": True})
        _race_last_two(harness, boss, instance, ["A", "B"])
        done = _open_tasks(instance, "Done")
        assert len(done) == 1, f"the inclusive join fired {len(done)} times"
        task_complete(task_id=done[0].pk, user=boss)
        assert ProcessInstance.objects.get(pk=instance.pk).state == "completed"
