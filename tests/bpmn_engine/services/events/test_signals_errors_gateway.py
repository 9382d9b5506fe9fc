"""Signals, BPMN errors from handlers, uncaught errors, and the event-based gateway at
run time."""

from __future__ import annotations

import pytest

from bpmn_engine import clock
from bpmn_engine.models import (
    EventSubscription,
    Incident,
    Job,
    ProcessInstance,
    Scope,
    UserTask,
)
from bpmn_engine.services.events import message_correlate, signal_broadcast
from bpmn_engine.services.events.timers import timer_fire
from bpmn_engine.services.instances import instance_start
from bpmn_engine.services.jobs import job_execute

pytestmark = pytest.mark.django_db


def _open(instance) -> list[str]:
    return sorted(
        UserTask.objects.filter(instance=instance, state="open").values_list(
            "element_id", flat=True
        )
    )


def test_a_signal_reaches_every_waiting_instance_and_signal_start(deployed):
    catcher = deployed("events/signal_catch")
    started_definition = deployed("events/signal_start_and_throw", "SignalStarted")
    one = instance_start(definition=catcher)
    two = instance_start(definition=catcher)

    delivered = signal_broadcast(name="Alarm", variables={"level": 3})
    assert sorted((d.instance.pk, d.element_id, d.started) for d in delivered)[:4] == sorted(
        [
            (one.pk, "Evacuate", False),
            (one.pk, "WaitAlarm", False),
            (two.pk, "Evacuate", False),
            (two.pk, "WaitAlarm", False),
        ]
    )
    assert _open(one) == _open(two) == ["React"]
    started = ProcessInstance.objects.get(definition=started_definition)
    assert _open(started) == ["Respond"]
    assert started.scopes.get().variables == {"level": 3}
    assert signal_broadcast(name="Alarm")[0].started  # only the start event still listens


def test_a_signal_throw_event_broadcasts_after_its_step(
    deployed, django_capture_on_commit_callbacks
):
    thrower = deployed("events/signal_start_and_throw", "SignalThrower")
    waiting = instance_start(definition=deployed("events/signal_catch"))
    with django_capture_on_commit_callbacks(execute=True):
        instance_start(definition=thrower)
    assert _open(waiting) == ["React"]


def test_a_bpmn_error_raised_by_a_handler_is_caught_by_the_error_boundary(deployed):
    instance = instance_start(definition=deployed("events/error_service_task"))
    job = Job.objects.get(instance=instance)
    Job.objects.filter(pk=job.pk).update(executor=Job.Executor.CELERY)
    assert job_execute(job_id=job.pk) == "bpmn_error"
    assert _open(instance) == ["Explain"]
    assert not Job.objects.filter(instance=instance).exists()
    assert not Incident.objects.filter(instance=instance).exists()


def test_the_caught_errors_code_and_message_are_set_in_the_boundarys_variables(deployed):
    """``camunda:errorCodeVariable`` / ``errorMessageVariable`` on the error boundary."""
    instance = instance_start(definition=deployed("events/error_variables_service_task"))
    job = Job.objects.get(instance=instance)
    Job.objects.filter(pk=job.pk).update(executor=Job.Executor.CELERY)
    assert job_execute(job_id=job.pk) == "bpmn_error"
    assert _open(instance) == ["Explain"]
    root = Scope.objects.get(instance=instance, parent_id__isnull=True)
    assert root.variables == {"code": "REJECTED", "reason": "credit check failed"}


def test_an_uncaught_handler_bpmn_error_is_an_incident_not_a_retry(deployed):
    instance = instance_start(
        definition=deployed("events/error_service_task"), variables={"errorCode": "OTHER"}
    )
    job = Job.objects.get(instance=instance)
    Job.objects.filter(pk=job.pk).update(executor=Job.Executor.CELERY)
    assert job_execute(job_id=job.pk) == "bpmn_error"
    incident = Incident.objects.get(instance=instance)
    assert incident.message == (
        "BPMN error 'OTHER' thrown by 'CreditCheck' was not caught by any error boundary "
        "event: credit check failed"
    )
    assert ProcessInstance.objects.get(pk=instance.pk).open_incidents == 1


def test_an_uncaught_error_end_event_is_an_incident_on_the_instance(deployed):
    instance = instance_start(definition=deployed("events/error_uncaught"))
    [incident] = Incident.objects.filter(instance=instance)
    assert incident.element_id == "Fail"
    assert "BPMN error 'FATAL'" in incident.message
    assert ProcessInstance.objects.get(pk=instance.pk).state == "active"


def test_the_event_based_gateway_takes_the_message_and_drops_the_timer(deployed):
    instance = instance_start(definition=deployed("events/event_gateway"))
    timer = Job.objects.get(instance=instance, kind=Job.Kind.TIMER)
    message_correlate(name="Answer")
    assert _open(instance) == ["Process"]
    assert not Job.objects.filter(pk=timer.pk).exists()
    assert not EventSubscription.objects.filter(instance=instance).exists()


def test_the_event_based_gateway_takes_the_timer_and_drops_the_message(deployed):
    instance = instance_start(definition=deployed("events/event_gateway"))
    timer = Job.objects.get(instance=instance, kind=Job.Kind.TIMER)
    clock.advance(3601)
    assert timer_fire(job_id=timer.pk) == "fired"
    assert _open(instance) == ["Remind"]
    assert not EventSubscription.objects.filter(instance=instance).exists()
