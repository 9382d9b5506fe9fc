"""End to end through a real Celery worker process on the real broker and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bpmn_engine import clock
from bpmn_engine.models import Job, ProcessInstance, Scope, UserTask
from bpmn_engine.services.instances import instance_start
from bpmn_engine.services.tasks import task_complete
from tests.conftest import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_service_task_runs_on_the_worker_and_the_instance_moves_on(
    celery_worker_process, deployed, make_user
):
    alice = make_user("alice")
    instance = instance_start(
        definition=deployed("services/service_then_user"), variables={"input": "ping"}, user=alice
    )
    task = wait_for(
        lambda: UserTask.objects.filter(instance=instance, state="open").first(),
        what="the worker to run the echo job",
    )
    assert Scope.objects.get(instance=instance).variables["echoed"] == "ping"
    task_complete(task_id=task.pk, user=alice)
    assert ProcessInstance.objects.get(pk=instance.pk).state == "completed"


def test_the_sweeper_in_the_worker_recovers_a_lost_message_and_a_retry(
    celery_worker_process, deployed
):
    instance = instance_start(
        definition=deployed("services/flaky_service"), variables={"succeedOnAttempt": 2}
    )
    job = wait_for(
        lambda: Job.objects.filter(instance=instance, attempts=1, state="pending").first(),
        what="the first attempt to fail",
    )
    assert job.due_at > clock.now() + timedelta(seconds=5)
    clock.advance(11)  # the retry is due: only the beat sweeper dispatches it
    wait_for(
        lambda: ProcessInstance.objects.get(pk=instance.pk).state == "completed",
        what="the retry to succeed",
    )
    assert Scope.objects.get(instance=instance).variables["flakyAttempts"] == 2
