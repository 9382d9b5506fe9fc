"""Log lines logged inside a step or a job carry the instance id and business key."""

from __future__ import annotations

import json
import logging

import pytest

from bpmn_engine.models import Job
from bpmn_engine.observability.context import Subject, bound
from bpmn_engine.observability.logs import ContextFilter, JsonFormatter
from bpmn_engine.services.instances import instance_start
from bpmn_engine.services.jobs import job_execute


def record(message: str = "hello") -> logging.LogRecord:
    entry = logging.LogRecord("baton.test", logging.INFO, __file__, 1, message, (), None)
    ContextFilter().filter(entry)
    return entry


def test_json_lines_carry_the_bound_instance_and_leave_out_unset_ids():
    with bound(Subject(instance_id=12, business_key="PO-12", process_key="approval")):
        line = JsonFormatter().format(record("approved"))
    entry = json.loads(line)
    assert entry["message"] == "approved"
    assert entry["level"] == "INFO"
    assert (entry["instance_id"], entry["business_key"], entry["process_key"]) == (
        12,
        "PO-12",
        "approval",
    )
    assert "job_id" not in entry and "topic" not in entry


def test_text_lines_name_the_instance_only_inside_a_step():
    text = logging.Formatter("%(levelname)s %(name)s%(context)s: %(message)s")
    assert text.format(record()) == "INFO baton.test: hello"
    with bound(Subject(instance_id=3, business_key="K-3", job_id=9)):
        assert text.format(record()) == "INFO baton.test [instance=3 key=K-3 job=9]: hello"


@pytest.mark.django_db
def test_a_handler_log_line_names_its_instance_job_and_business_key(
    obs_deployed, make_user, caplog
):
    caplog.handler.addFilter(ContextFilter())
    instance = instance_start(
        definition=obs_deployed("obs_approval"),
        variables={"input": "x"},
        business_key="PO-99",
        user=make_user("erin"),
    )
    job = Job.objects.get(instance=instance)
    with caplog.at_level(logging.INFO, logger="tests.handlers.obs"):
        job_execute(job_id=job.pk)
    (line,) = [r for r in caplog.records if r.name == "tests.handlers.obs"]
    assert (line.instance_id, line.business_key, line.job_id, line.topic) == (
        instance.pk,
        "PO-99",
        job.pk,
        "obs-echo",
    )
    assert json.loads(JsonFormatter().format(line))["business_key"] == "PO-99"


@pytest.mark.django_db
def test_a_log_line_inside_a_step_names_its_instance(obs_deployed, make_user, caplog):
    from django.db import transaction

    from bpmn_engine.services.runtime import instance_step

    caplog.handler.addFilter(ContextFilter())
    instance = instance_start(
        definition=obs_deployed("obs_approval"), business_key="PO-5", user=make_user("fay")
    )

    def noting(interpreter, state):
        logging.getLogger("baton.test.step").warning("inside the step")
        return []

    with transaction.atomic():
        instance_step(instance.pk, noting)
    (line,) = [r for r in caplog.records if r.name == "baton.test.step"]
    assert (line.instance_id, line.business_key, line.process_key) == (
        instance.pk,
        "PO-5",
        "obs_approval",
    )
