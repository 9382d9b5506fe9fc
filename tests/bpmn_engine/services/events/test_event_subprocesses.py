"""Event subprocesses at run time: their listeners live as long as their scope."""

from __future__ import annotations

import pytest

from bpmn_engine import clock
from bpmn_engine.models import EventSubscription, Job, ProcessInstance, UserTask
from bpmn_engine.services.events import message_correlate
from bpmn_engine.services.events.timers import timer_fire
from bpmn_engine.services.instances import instance_start
from bpmn_engine.services.tasks import task_complete

pytestmark = pytest.mark.django_db


def _open(instance) -> list[str]:
    return sorted(
        UserTask.objects.filter(instance=instance, state="open").values_list(
            "element_id", flat=True
        )
    )


def test_a_message_starts_an_interrupting_event_subprocess(deployed, make_user):
    instance = instance_start(definition=deployed("events/event_subprocess_message"))
    result = message_correlate(name="Abort")
    assert (result.instance.pk, result.element_id) == (instance.pk, "AbortReceived")
    assert _open(instance) == ["Cleanup"]
    assert not EventSubscription.objects.filter(instance=instance).exists()
    cleanup = UserTask.objects.get(instance=instance, element_id="Cleanup")
    task_complete(task_id=cleanup.pk, user=make_user("boss", superuser=True))
    assert ProcessInstance.objects.get(pk=instance.pk).state == "completed"


def test_a_timer_cycle_event_subprocess_repeats_until_the_instance_ends(deployed, make_user):
    instance = instance_start(definition=deployed("events/event_subprocess_timer"))
    job = Job.objects.get(instance=instance, kind=Job.Kind.TIMER)
    for _ in range(2):
        clock.advance(3601)
        assert timer_fire(job_id=job.pk) == "fired"
    job.refresh_from_db()
    assert job.timer["remaining"] is None  # R/...: forever
    assert instance.history.filter(event="element_completed", element_id="Reminded").count() == 2
    work = UserTask.objects.get(instance=instance, element_id="Work")
    task_complete(task_id=work.pk, user=make_user("boss", superuser=True))
    assert ProcessInstance.objects.get(pk=instance.pk).state == "completed"
    assert not Job.objects.filter(instance=instance).exists()
