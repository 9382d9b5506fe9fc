"""Events racing user actions (issue 6, concurrency 3 and 4): exactly one path wins.

Each race is forced by the harness: both transactions pause after reading, before
writing; the engine's instance lock makes one wait, and the loser re-checks under it.
"""

from __future__ import annotations

import pytest

from bpmn_engine import clock
from bpmn_engine.models import EventSubscription, HistoryEvent, Job, ProcessInstance, UserTask
from bpmn_engine.services.errors import Conflict, NotFound
from bpmn_engine.services.events.messages import message_correlate
from bpmn_engine.services.events.timers import timer_fire
from bpmn_engine.services.instances import instance_cancel, instance_start
from bpmn_engine.services.jobs import job_finish, job_lease
from bpmn_engine.services.tasks import task_complete

pytestmark = [pytest.mark.durability, pytest.mark.django_db(transaction=True)]

RACES = 20


def test_a_task_completed_while_its_interrupting_timer_fires_takes_exactly_one_path(
    harness, deployed, boss
):
    definition = deployed("events/timer_boundary_interrupting")
    winners = set()
    for _ in range(RACES):
        instance = instance_start(definition=definition)
        review = UserTask.objects.get(instance=instance, element_id="Review")
        timer = Job.objects.get(instance=instance, kind=Job.Kind.TIMER)
        clock.advance(3601)
        result = harness.race(
            lambda t=review: task_complete(task_id=t.pk, user=boss),
            lambda j=timer: timer_fire(job_id=j.pk),
        )
        assert result.waited_on_lock
        escalations = UserTask.objects.filter(instance=instance, element_id="Escalate").count()
        completed = UserTask.objects.get(pk=review.pk).state == "completed"
        assert escalations + completed == 1, "exactly one of timer and completion wins"
        if completed:  # the timer found its job gone under the lock: it did nothing
            assert ProcessInstance.objects.get(pk=instance.pk).state == "completed"
            assert result.outcomes[1] in ((True, "skipped"), (True, "stale"))
            winners.add("task")
        else:
            [error] = result.errors()
            assert isinstance(error, Conflict)
            assert UserTask.objects.get(pk=review.pk).state != "open"
            winners.add("timer")
        assert not Job.objects.filter(instance=instance, kind=Job.Kind.TIMER).exists()
    assert winners, "every race has a winner"


def test_an_instance_cancelled_while_its_service_job_finishes_takes_exactly_one_path(
    harness, deployed
):
    definition = deployed("durability/blocking_service")
    for _ in range(RACES):
        instance = instance_start(definition=definition)
        job = Job.objects.get(instance=instance, kind=Job.Kind.SERVICE)
        lease = job_lease(job_id=job.pk)
        assert lease is not None
        result = harness.race(
            lambda le=lease: job_finish(lease=le, variables={"charged": True}),
            lambda i=instance: instance_cancel(instance_id=i.pk, reason="customer left"),
        )
        assert result.waited_on_lock
        assert result.errors() == []
        finished = result.outcomes[0][1]
        assert ProcessInstance.objects.get(pk=instance.pk).state == "cancelled"
        after = UserTask.objects.filter(instance=instance, element_id="After")
        if finished == "completed":  # the job won; the cancel then ended its successor
            assert after.count() == 1
            assert after.get().state != "open"
        else:  # the cancel won; the late result was refused, nothing was created
            assert finished == "stale"
            assert not after.exists()
        assert not Job.objects.filter(instance=instance, state=Job.State.RUNNING).exists()


def test_the_same_message_correlated_twice_at_once_is_consumed_once(harness, deployed):
    definition = deployed("events/message_catch")
    for _ in range(RACES):
        instance = instance_start(definition=definition, business_key="order-1")
        result = harness.race(
            lambda: message_correlate(name="PaymentReceived", business_key="order-1"),
            lambda: message_correlate(name="PaymentReceived", business_key="order-1"),
        )
        assert result.waited_on_lock
        assert len(result.values()) == 1, result.outcomes
        [error] = result.errors()
        assert isinstance(error, NotFound)
        assert "No process instance or start event waits for message" in str(error)
        assert UserTask.objects.filter(instance=instance, element_id="Ship").count() == 1
        assert not EventSubscription.objects.filter(instance=instance).exists()
        triggered = HistoryEvent.objects.filter(instance=instance, element_id="WaitPayment")
        assert triggered.filter(event="event_triggered").count() == 1
        instance_cancel(instance_id=instance.pk)
