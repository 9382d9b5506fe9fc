"""Timers at run time: durable Job rows with a due time, fired through ``timer_fire``
(what the beat sweeper dispatches), moved by the controllable clock, never by sleeping."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bpmn_engine import clock
from bpmn_engine.models import Job, ProcessInstance, UserTask
from bpmn_engine.services.deploy import definition_deploy
from bpmn_engine.services.events.timers import timer_fire
from bpmn_engine.services.instances import instance_start
from bpmn_engine.services.jobs import jobs_sweep
from bpmn_engine.services.tasks import task_complete

pytestmark = pytest.mark.django_db


def _timer(instance=None, **filters) -> Job:
    return Job.objects.get(kind=Job.Kind.TIMER, instance=instance, **filters)


def _open_tasks(instance) -> list[str]:
    return sorted(
        UserTask.objects.filter(instance=instance, state="open").values_list(
            "element_id", flat=True
        )
    )


def test_an_interrupting_boundary_timer_is_a_job_due_later_that_cancels_the_task(deployed):
    instance = instance_start(definition=deployed("events/timer_boundary_interrupting"))
    job = _timer(instance)
    review = UserTask.objects.get(instance=instance, element_id="Review")
    assert (job.element_id, job.token_id, job.executor) == ("TooLate", review.token_id, "celery")
    assert abs(job.due_at - (clock.now() + timedelta(hours=1))) < timedelta(seconds=5)
    assert timer_fire(job_id=job.pk) == "skipped"  # not due yet

    clock.advance(3601)
    assert jobs_sweep()["dispatched"] == 1
    assert timer_fire(job_id=job.pk) == "fired"
    review.refresh_from_db()
    assert review.state == "cancelled"
    assert _open_tasks(instance) == ["Escalate"]
    assert not Job.objects.filter(instance=instance).exists()
    assert timer_fire(job_id=job.pk) == "gone"  # a duplicate delivery does nothing


def test_completing_the_activity_removes_its_boundary_timer(deployed, make_user):
    instance = instance_start(definition=deployed("events/timer_boundary_interrupting"))
    job = _timer(instance)
    task = UserTask.objects.get(instance=instance, element_id="Review")
    task_complete(task_id=task.pk, user=make_user("demo"))
    assert not Job.objects.filter(pk=job.pk).exists()
    assert ProcessInstance.objects.get(pk=instance.pk).state == "completed"


def test_a_non_interrupting_cycle_fires_its_repeats_and_the_task_stays_open(deployed):
    instance = instance_start(definition=deployed("events/timer_boundary_cycle"))
    job = _timer(instance)
    assert job.timer == {"type": "cycle", "value": "R2/PT10M", "remaining": 1}
    first_due = job.due_at

    clock.advance(601)
    assert timer_fire(job_id=job.pk) == "fired"
    job.refresh_from_db()
    assert (job.due_at, job.timer["remaining"]) == (first_due + timedelta(minutes=10), 0)
    clock.advance(600)
    assert timer_fire(job_id=job.pk) == "fired"
    assert not Job.objects.filter(pk=job.pk).exists()  # R2: two firings, then done
    assert _open_tasks(instance) == ["Review"]
    reminded = instance.history.filter(event="element_completed", element_id="Reminded")
    assert reminded.count() == 2


def test_an_intermediate_timer_waits_until_due(deployed):
    instance = instance_start(definition=deployed("events/timer_catch"))
    job = _timer(instance, element_id="Wait")
    clock.advance(23 * 3600)
    assert timer_fire(job_id=job.pk) == "skipped"
    clock.advance(3601)
    assert timer_fire(job_id=job.pk) == "fired"
    assert _open_tasks(instance) == ["After"]


def test_an_interrupting_timer_on_a_subprocess_cancels_its_tasks_and_jobs(deployed):
    instance = instance_start(definition=deployed("events/timer_boundary_subprocess"))
    job = _timer(instance, element_id="Deadline")
    assert Job.objects.filter(instance=instance, element_id="InnerWork").exists()
    Job.objects.filter(pk=job.pk).update(due_at=clock.now())
    assert timer_fire(job_id=job.pk) == "fired"
    assert _open_tasks(instance) == ["Late"]
    assert UserTask.objects.get(instance=instance, element_id="Inner").state == "cancelled"
    assert not Job.objects.filter(instance=instance).exists()
    assert set(instance.tokens.values_list("element_id", flat=True)) == {"Late"}
    assert instance.scopes.count() == 1


def test_a_timer_start_event_creates_instances_on_schedule(load_diagram):
    definition = definition_deploy(
        data=load_diagram("events/timer_start"), filename="timer_start.bpmn"
    ).definitions[0]
    job = _timer(definition=definition)
    for _ in range(3):
        clock.advance(601)
        assert timer_fire(job_id=job.pk) == "started"
    assert ProcessInstance.objects.filter(definition=definition).count() == 3
    assert not Job.objects.filter(pk=job.pk).exists()  # R3: three instances, then done


def test_a_new_version_replaces_the_timer_start_job_of_the_previous_one(load_diagram):
    data = load_diagram("events/timer_start")
    first = definition_deploy(data=data, filename="timer_start.bpmn").definitions[0]
    second = definition_deploy(data=data + b"\n", filename="timer_start.bpmn").definitions[0]
    assert second.version == first.version + 1
    jobs = Job.objects.filter(kind=Job.Kind.TIMER, instance=None, definition__key=first.key)
    assert list(jobs.values_list("definition_id", flat=True)) == [second.pk]
