"""A database connection killed mid-step (issue 6, crashes 9): all or nothing.

The step is paused at a point (after it read and ran the interpreter; just before its
COMMIT; just after its COMMIT) and another session ``pg_terminate_backend``s it. Before
the COMMIT nothing of the step is visible; after it, all of it is.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from bpmn_engine.models import HistoryEvent, ProcessInstance, Token, UserTask
from bpmn_engine.services.instances import instance_start
from bpmn_engine.services.tasks import task_complete

pytestmark = [pytest.mark.durability, pytest.mark.django_db(transaction=True)]


def _snapshot(instance: ProcessInstance) -> tuple[Any, ...]:
    return (
        ProcessInstance.objects.get(pk=instance.pk).version,
        sorted(Token.objects.filter(instance=instance).values_list("element_id", flat=True)),
        sorted(UserTask.objects.filter(instance=instance).values_list("element_id", "state")),
        HistoryEvent.objects.filter(instance=instance).count(),
    )


def _terminate(pid: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        assert cursor.fetchone()[0] is True


def _started(deployed: Any, boss: Any) -> tuple[ProcessInstance, UserTask]:
    instance = instance_start(definition=deployed("durability/parallel_join_2"), user=boss)
    return instance, UserTask.objects.get(instance=instance, element_id="Branch1")


def test_a_connection_killed_during_the_step_leaves_the_instance_unchanged(harness, deployed, boss):
    instance, task = _started(deployed, boss)
    before = _snapshot(instance)
    ok, error = harness.paused(lambda: task_complete(task_id=task.pk, user=boss), _terminate)
    assert not ok and isinstance(error, DatabaseError), error
    assert _snapshot(instance) == before
    task_complete(task_id=task.pk, user=boss)  # nothing was half done: it completes now
    assert UserTask.objects.get(pk=task.pk).state == "completed"


def _pause_around_commit(harness: Any, *, after: bool) -> Any:
    """Wrap the racer connection's COMMIT with the gate (a test-only pause point)."""

    def work(task_id: int, user: Any) -> Any:
        raw_commit = connection._commit  # type: ignore[attr-defined]

        def commit() -> None:
            if not after:
                harness.gate.pause()
            raw_commit()
            if after:
                harness.gate.pause()

        connection._commit = commit  # type: ignore[attr-defined]  # this racer's only
        try:
            with transaction.atomic():
                return task_complete(task_id=task_id, user=user)
        finally:
            del connection._commit  # type: ignore[attr-defined]

    return work


@pytest.mark.parametrize("after", [False, True], ids=["before-commit", "after-commit"])
def test_a_connection_killed_at_commit_leaves_the_step_all_or_nothing(
    harness, deployed, boss, after
):
    harness.pause_in_step = False
    instance, task = _started(deployed, boss)
    before = _snapshot(instance)
    work = _pause_around_commit(harness, after=after)
    ok, outcome = harness.paused(lambda: work(task.pk, boss), _terminate)
    now = _snapshot(instance)
    if after:  # committed, then the connection died: the whole step is there (the
        # caller may still see the error, from the after-commit work on the dead session)
        assert ok or isinstance(outcome, DatabaseError), outcome
        assert UserTask.objects.get(pk=task.pk).state == "completed"
        assert now[1] == ["Branch2", "Join"]
        assert now[3] > before[3] and now[0] > before[0]
    else:  # killed before COMMIT: none of it is there
        assert not ok and isinstance(outcome, DatabaseError), outcome
        assert now == before
