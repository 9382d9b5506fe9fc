"""A timer through a real Celery worker with beat: the clock moves, the sweeper finds
the due timer job and dispatches it, the worker fires it."""

from __future__ import annotations

import pytest

from bpmn_engine import clock
from bpmn_engine.models import Job, UserTask
from bpmn_engine.services.instances import instance_start
from tests.conftest import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_the_beat_sweeper_fires_a_due_timer_on_the_worker(celery_worker_process, deployed):
    instance = instance_start(definition=deployed("events/timer_catch"))
    job = Job.objects.get(instance=instance, kind=Job.Kind.TIMER)
    assert not UserTask.objects.filter(instance=instance).exists()

    clock.advance(24 * 3600 + 1)
    task = wait_for(
        lambda: UserTask.objects.filter(instance=instance, element_id="After").first(),
        what="the sweeper to dispatch the due timer and the worker to fire it",
    )
    assert task.state == "open"
    assert not Job.objects.filter(pk=job.pk).exists()
