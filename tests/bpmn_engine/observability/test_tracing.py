"""Spans: one per step and per job, linked per instance, parented across Celery."""

from __future__ import annotations

from typing import Any

import pytest
from opentelemetry import trace

from bpmn_engine.models import Job
from bpmn_engine.observability import celery_hooks, tracing
from bpmn_engine.services.instances import instance_start
from bpmn_engine.tasks import run_job

pytestmark = pytest.mark.django_db


def named(exporter, prefix: str) -> list[Any]:
    return [span for span in exporter.get_finished_spans() if span.name.startswith(prefix)]


def test_a_step_span_carries_the_instance_and_hangs_under_the_request(
    spans, obs_deployed, make_user
):
    with tracing.tracer().start_as_current_span("POST /api/v1/instances") as request:
        instance = instance_start(
            definition=obs_deployed("obs_approval"),
            variables={"input": "x"},
            business_key="PO-7",
            user=make_user("carol"),
        )
    (step,) = named(spans, "baton.step")
    assert step.name == "baton.step instance_start"
    assert dict(step.attributes) == {
        "baton.instance_id": instance.pk,
        "baton.business_key": "PO-7",
        "baton.process_key": "obs_approval",
        "baton.step_kind": "instance_start",
    }
    assert step.parent.span_id == request.get_span_context().span_id
    assert step.context.trace_id == request.get_span_context().trace_id
    (link,) = step.links
    assert link.context == tracing.instance_anchor(instance.pk)


def test_trace_context_crosses_the_celery_message_into_the_job_and_its_step(
    spans, obs_deployed, make_user
):
    """request -> celery.run (from the message headers) -> baton.job and the step it
    makes; every step of the instance links to the same anchor."""
    instance = instance_start(
        definition=obs_deployed("obs_approval"),
        variables={"input": "x"},
        business_key="PO-8",
        user=make_user("dave"),
    )
    job = Job.objects.get(instance=instance)
    headers: dict[str, str] = {}
    with tracing.tracer().start_as_current_span("POST /api/v1/jobs/retry") as request:
        celery_hooks.inject_headers(headers=headers)
    assert "traceparent" in headers
    assert trace.get_current_span() is trace.INVALID_SPAN
    assert run_job.apply(args=(job.pk,), headers=headers).get() == "completed"

    (task,) = named(spans, "celery.run")
    (job_span,) = named(spans, "baton.job")
    steps = named(spans, "baton.step")
    finish = next(s for s in steps if s.attributes["baton.step_kind"] == "job_finish")
    trace_id = request.get_span_context().trace_id
    assert task.parent.span_id == request.get_span_context().span_id
    assert job_span.parent.span_id == task.context.span_id
    assert finish.parent.span_id == task.context.span_id
    assert {task.context.trace_id, job_span.context.trace_id, finish.context.trace_id} == {trace_id}
    assert job_span.attributes["baton.topic"] == "obs-echo"
    assert job_span.attributes["baton.instance_id"] == instance.pk
    assert job_span.attributes["baton.business_key"] == "PO-8"
    anchor = tracing.instance_anchor(instance.pk)
    assert all(span.links[0].context == anchor for span in [*steps, job_span])
    assert len(steps) == 2  # the start and the job's completion


def test_a_failing_handler_marks_its_job_span_as_an_error(spans, obs_deployed):
    instance = instance_start(definition=obs_deployed("obs_failing"))
    run_job.apply(args=(Job.objects.get(instance=instance).pk,))
    (job_span,) = named(spans, "baton.job")
    assert job_span.status.status_code == trace.StatusCode.ERROR
    assert "the payment service said no" in job_span.events[0].attributes["exception.message"]


def test_without_an_exporter_configured_the_tracer_is_a_no_op(monkeypatch):
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
    monkeypatch.delenv("BATON_TRACE_CONSOLE", raising=False)
    tracing.reset()
    try:
        assert isinstance(tracing.tracer(), trace.NoOpTracer)
        monkeypatch.setenv("BATON_TRACE_CONSOLE", "1")
        tracing.reset()
        assert not isinstance(tracing.tracer(), trace.NoOpTracer)
    finally:
        tracing.reset()
