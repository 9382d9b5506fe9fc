"""Service jobs run through the job services directly (the worker tests run them through
Celery): leases, retries with backoff on the same row, incidents, sweeping."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bpmn_engine import clock
from bpmn_engine.models import HistoryEvent, Incident, Job, ProcessInstance, Scope, UserTask
from bpmn_engine.services.instances import instance_start
from bpmn_engine.services.jobs import incident_retry, job_execute, job_lease, jobs_sweep

pytestmark = pytest.mark.django_db


def test_a_service_job_is_queued_after_commit_and_completes_the_step(
    deployed, make_user, django_capture_on_commit_callbacks
):
    alice = make_user("alice")
    with django_capture_on_commit_callbacks() as callbacks:
        instance = instance_start(
            definition=deployed("services/service_then_user"), variables={"input": "hi"}, user=alice
        )
    job = Job.objects.get(instance=instance)
    assert (job.topic, job.executor, job.state) == ("test-echo", "celery", "pending")
    assert len(callbacks) == 1  # the broker message is sent only once the row is committed
    assert job_execute(job_id=job.pk) == "completed"
    assert not Job.objects.filter(pk=job.pk).exists()
    assert Scope.objects.get(instance=instance).variables["echoed"] == "hi"
    task = UserTask.objects.get(instance=instance)
    assert task.assignee == "alice"  # ${initiator}, from camunda:initiator


def test_running_a_job_twice_continues_the_instance_once(deployed, make_user):
    instance = instance_start(
        definition=deployed("services/service_then_user"),
        variables={"input": 1},
        user=make_user("alice"),
    )
    job = Job.objects.get(instance=instance)
    assert job_execute(job_id=job.pk) == "completed"
    assert job_execute(job_id=job.pk) == "skipped"
    assert UserTask.objects.filter(instance=instance).count() == 1
    assert HistoryEvent.objects.filter(instance=instance, event="task_created").count() == 1


def test_a_completion_from_an_expired_lease_is_refused(deployed):
    from bpmn_engine.services.jobs import job_finish

    instance = instance_start(
        definition=deployed("services/service_then_user"), variables={"input": 1}
    )
    job = Job.objects.get(instance=instance)
    old = job_lease(job_id=job.pk)
    assert old is not None
    Job.objects.filter(pk=job.pk).update(locked_until=clock.now() - timedelta(seconds=1))
    assert jobs_sweep()["expired"] == 1
    assert job_finish(lease=old, variables={"late": True}) == "stale"
    assert Job.objects.get(pk=job.pk).state == "pending"
    assert "late" not in Scope.objects.get(instance=instance).variables


def test_failures_retry_on_the_same_row_with_doubling_backoff_then_succeed(deployed):
    instance = instance_start(
        definition=deployed("services/flaky_service"), variables={"succeedOnAttempt": 3}
    )
    job = Job.objects.get(instance=instance)
    started = clock.now()
    assert job_execute(job_id=job.pk) == "retry"
    job.refresh_from_db()
    assert job.attempts == 1 and "flaky service down (attempt 1)" in job.last_error
    assert timedelta(seconds=9) < job.due_at - started <= timedelta(seconds=11)
    assert job_execute(job_id=job.pk) == "skipped"  # not due yet
    clock.advance(10)
    assert job_execute(job_id=job.pk) == "retry"
    job.refresh_from_db()
    assert timedelta(seconds=19) < job.due_at - clock.now() <= timedelta(seconds=21)
    clock.advance(20)
    assert job_execute(job_id=job.pk) == "completed"
    instance.refresh_from_db()
    assert instance.state == "completed"
    assert Scope.objects.get(instance=instance).variables["flakyAttempts"] == 3


def test_a_declared_retry_cycle_is_used_as_written_then_an_incident_can_be_retried(deployed):
    instance = instance_start(definition=deployed("services/failing_service_cycle"))
    job = Job.objects.get(instance=instance)
    assert job.max_attempts == 2
    assert job_execute(job_id=job.pk) == "retry"
    job.refresh_from_db()
    assert timedelta(minutes=4, seconds=59) < job.due_at - clock.now() <= timedelta(minutes=5)
    clock.advance(300)
    assert job_execute(job_id=job.pk) == "incident"
    incident = Incident.objects.get(instance=instance)
    assert (
        "the payment service said no" in incident.message and "after 2 attempts" in incident.message
    )
    instance.refresh_from_db()
    assert (instance.state, instance.open_incidents) == ("active", 1)
    incident_retry(incident_id=incident.pk)
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("pending", 0)
    assert ProcessInstance.objects.get(pk=instance.pk).open_incidents == 0


def test_a_topic_without_handler_waits_for_an_external_worker(deployed):
    instance = instance_start(definition=deployed("services/external_topic"))
    job = Job.objects.get(instance=instance)
    assert job.executor == "external"
    assert job_execute(job_id=job.pk) == "skipped"
    assert jobs_sweep()["dispatched"] == 0


def test_the_sweeper_resends_due_jobs_whose_message_was_lost(
    deployed, django_capture_on_commit_callbacks
):
    instance = instance_start(
        definition=deployed("services/service_then_user"), variables={"input": 1}
    )
    Job.objects.filter(instance=instance).update(dispatched_at=clock.now() - timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert jobs_sweep()["dispatched"] == 1
    assert len(callbacks) == 1
    with django_capture_on_commit_callbacks(execute=False):
        assert jobs_sweep()["dispatched"] == 0  # just dispatched: not resent again at once
