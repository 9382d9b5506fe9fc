"""Service tasks bound the way modelers bind them all reach registered handlers."""

from __future__ import annotations

import pytest

from bpmn_engine.models import HistoryEvent, Job, ProcessInstance
from bpmn_engine.services.instances import instance_start
from bpmn_engine.services.jobs import job_execute

pytestmark = pytest.mark.django_db


def test_class_delegate_expression_and_zeebe_type_run_their_mapped_handlers(deployed, settings):
    settings.BPMN_ENGINE = {
        **settings.BPMN_ENGINE,
        "SERVICE_BINDINGS": {"com.acme.EchoDelegate": "test-echo", "${echoDelegate}": "test-echo"},
    }
    instance = instance_start(definition=deployed("services/bindings"), variables={"input": 7})
    topics = []
    while job := Job.objects.filter(instance=instance).first():
        topics.append((job.element_id, job.topic, job.executor))
        assert job_execute(job_id=job.pk) == "completed"
    assert topics == [
        ("by_class", "com.acme.EchoDelegate", "celery"),
        ("by_delegate", "${echoDelegate}", "celery"),
        ("by_zeebe", "test-echo", "celery"),
    ]
    assert ProcessInstance.objects.get(pk=instance.pk).state == "completed"
    completed = HistoryEvent.objects.filter(instance=instance, event="element_completed")
    done = set(completed.values_list("element_id", flat=True))
    assert {"by_class", "by_delegate", "by_zeebe"} <= done


def test_an_unmapped_class_waits_for_an_external_worker(deployed):
    instance = instance_start(definition=deployed("services/bindings"), variables={"input": 7})
    job = Job.objects.get(instance=instance)
    assert (job.topic, job.executor) == ("com.acme.EchoDelegate", "external")
