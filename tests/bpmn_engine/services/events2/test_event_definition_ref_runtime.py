"""Events whose definitions are ``eventDefinitionRef``s wait and fire like inline ones."""

from __future__ import annotations

import pytest

from bpmn_engine import clock
from bpmn_engine.models import Job, ProcessInstance, UserTask
from bpmn_engine.services.events import signal_broadcast
from bpmn_engine.services.events.timers import timer_fire
from bpmn_engine.services.instances import instance_start

pytestmark = pytest.mark.django_db


def test_a_referenced_timer_and_signal_fire_like_inline_definitions(deployed):
    instance = instance_start(definition=deployed("events2/event_definition_ref"))
    job = Job.objects.get(instance=instance, kind=Job.Kind.TIMER, element_id="WaitAnHour")
    clock.advance(3601)
    assert timer_fire(job_id=job.pk) == "fired"
    work = UserTask.objects.get(instance=instance, element_id="Work")
    assert work.state == "open"
    signal_broadcast(name="Stop")
    work.refresh_from_db()
    assert work.state == "cancelled"
    assert ProcessInstance.objects.get(pk=instance.pk).state == "completed"
