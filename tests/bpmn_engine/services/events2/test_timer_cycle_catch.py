"""A timeCycle on an intermediate catch event: the token passes at the cycle's first
occurrence, once. A catch event moves the one token that waits on it (BPMN 2.0 10.5.4,
"Intermediate Events in Normal Flow"); it cannot create tokens, so the repetitions left in
the cycle have nothing to act on and the timer job is removed (Camunda 7 does the same).
Repeating firings are what boundary events, event subprocesses and start events do."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bpmn_engine import clock
from bpmn_engine.models import Job, UserTask
from bpmn_engine.services.events.timers import timer_fire
from bpmn_engine.services.instances import instance_start

pytestmark = pytest.mark.django_db


def test_a_cycle_on_a_catch_event_fires_once_at_its_first_occurrence(deployed):
    instance = instance_start(definition=deployed("events2/timer_cycle_catch"))
    job = Job.objects.get(instance=instance, kind=Job.Kind.TIMER)
    assert (job.element_id, job.timer["type"], job.timer["value"]) == (
        "EveryTenMinutes",
        "cycle",
        "R4/PT10M",
    )
    assert abs(job.due_at - (clock.now() + timedelta(minutes=10))) < timedelta(seconds=5)
    clock.advance(601)
    assert timer_fire(job_id=job.pk) == "fired"
    assert not Job.objects.filter(instance=instance).exists(), "no repetition is left"
    open_tasks = UserTask.objects.filter(instance=instance, state="open")
    assert list(open_tasks.values_list("element_id", flat=True)) == ["Check"]
    clock.advance(3600)
    assert timer_fire(job_id=job.pk) == "gone"
    assert (
        instance.history.filter(event="element_completed", element_id="EveryTenMinutes").count()
        == 1
    )
