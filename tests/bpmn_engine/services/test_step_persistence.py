"""The step's hand-written SQL: one joined query per batch on PostgreSQL, prepared once
per connection, with the same guarantees as the ORM path (lock first, re-check under it)."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest
from django.db import DatabaseError, connection, connections, transaction

from bpmn_engine.models import HistoryEvent, ProcessInstance, UserTask
from bpmn_engine.persistence.batch import Batch
from bpmn_engine.services.errors import Conflict
from bpmn_engine.services.instances import instance_start, instance_start_step
from bpmn_engine.services.tasks import task_complete, task_complete_step


@pytest.mark.django_db
def test_the_services_report_the_tasks_each_step_opened(deployed, make_user):
    bob = make_user("bob", "managers")
    step = instance_start_step(
        definition=deployed("services/user_task"), variables={"reviewer": "x"}, user=bob
    )
    (opened,) = step.created_task_ids
    assert UserTask.objects.get(pk=opened).state == "open"
    task, completion = task_complete_step(task_id=opened, user=bob, variables={"ok": True})
    assert (task.pk, task.state, completion.created_task_ids) == (opened, "completed", [])
    assert ProcessInstance.objects.get(pk=step.instance.pk).version == 2


@pytest.mark.django_db
def test_a_batch_returns_each_statements_rows_in_order_and_a_failure_rolls_back():
    ddl = Batch()  # statements are prepared before their batch runs: DDL goes first
    ddl.add("CREATE TEMP TABLE batch_probe (n integer PRIMARY KEY)")
    ddl.run()
    batch = Batch()
    first = batch.add("SELECT %s::integer, %s", (1, "a'b"), fetch=True)
    batch.add("INSERT INTO batch_probe (n) VALUES (%s), (%s)", (1, 2))
    last = batch.add("SELECT count(*) FROM batch_probe", fetch=True)
    batch.run()
    assert (first.rows, last.rows) == ([(1, "a'b")], [(2,)])

    failing = Batch()
    failing.add("INSERT INTO batch_probe (n) VALUES (%s)", (3,))
    failing.add("INSERT INTO batch_probe (n) VALUES (%s)", (1,))  # duplicate key
    with pytest.raises(DatabaseError, match="duplicate key"), transaction.atomic():
        failing.run()
    again = Batch()  # the same statements, already prepared, still run after the rollback
    again.add("INSERT INTO batch_probe (n) VALUES (%s)", (3,))
    count = again.add("SELECT count(*) FROM batch_probe", fetch=True)
    again.run()
    assert count.rows == [(3,)]


@pytest.mark.django_db(transaction=True)
def test_two_completions_racing_for_the_lock_complete_the_task_once(deployed, make_user):
    """Both requests wait on the instance lock; the loser's reads, sent in the same query
    as its lock, must still see the winner's commit and turn into a Conflict."""
    bob = make_user("bob", "managers")
    instance = instance_start(
        definition=deployed("services/user_task"), variables={"reviewer": "x"}, user=bob
    )
    task_id = UserTask.objects.get(instance=instance).pk
    outcomes: list[str] = []

    def complete() -> None:
        try:
            task_complete(task_id=task_id, user=bob, variables={"n": 1})
            outcomes.append("completed")
        except Conflict as exc:
            outcomes.append(str(exc))
        finally:
            connections.close_all()

    settings = connection.settings_dict
    with psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
    ) as holder:
        holder.execute(
            "SELECT 1 FROM bpmn_engine_processinstance WHERE id = %s FOR UPDATE", [instance.pk]
        )
        threads = [threading.Thread(target=complete) for _ in range(2)]
        for thread in threads:
            thread.start()
        _wait_for_lock_waiters(holder, 2)
        holder.commit()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["Task 'Approve' was already completed", "completed"]
    assert HistoryEvent.objects.filter(instance=instance, event="task_completed").count() == 1
    assert ProcessInstance.objects.get(pk=instance.pk).state == "completed"


def _wait_for_lock_waiters(holder: psycopg.Connection, count: int) -> None:
    deadline = time.monotonic() + 10
    with psycopg.connect(holder.info.dsn, autocommit=True) as watcher:
        while time.monotonic() < deadline:
            (waiting,) = watcher.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()"
            ).fetchone() or (0,)
            if waiting >= count:
                return
            time.sleep(0.02)
    raise AssertionError(f"{count} completions never waited on the instance lock")


def _prepared_on_this_connection() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        return int(cursor.fetchone()[0])


@pytest.mark.django_db(transaction=True)
def test_steps_run_unprepared_when_a_pooler_forbids_prepared_statements(
    deployed, make_user, settings
):
    """Behind PgBouncer in transaction mode, PREPARE_STATEMENTS=False keeps every
    statement self-contained: the step works and prepares nothing on the session (the
    same step with the default setting does prepare, on a fresh session)."""
    bob = make_user("bob", "managers")
    definition = deployed("services/user_task")

    def one_step_on_a_fresh_session() -> int:
        connection.close()
        instance = instance_start(definition=definition, variables={"reviewer": "x"})
        task_complete(task_id=UserTask.objects.get(instance=instance).pk, user=bob)
        assert ProcessInstance.objects.get(pk=instance.pk).state == "completed"
        return _prepared_on_this_connection()

    settings.BPMN_ENGINE = {**settings.BPMN_ENGINE, "PREPARE_STATEMENTS": False}
    assert one_step_on_a_fresh_session() == 0
    settings.BPMN_ENGINE = {**settings.BPMN_ENGINE, "PREPARE_STATEMENTS": True}
    assert one_step_on_a_fresh_session() > 0
