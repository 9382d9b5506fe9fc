"""Traces across a real Celery worker: the request's trace continues in the worker.

A worker of its own (console span exporter, its own queue) runs the job, so the test can
read the worker's spans from its output; the test process records its side in memory.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from bpmn_engine.models import UserTask
from bpmn_engine.observability import tracing
from bpmn_engine.services.instances import instance_start
from config.celery import app, worker_command
from tests.conftest import ROOT, _test_database_url, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
QUEUE = "observability-trace-q"
NAMES = ("celery.run bpmn_engine.tasks.run_job", "baton.job obs-echo", "baton.step job_finish")


@pytest.fixture(scope="module")
def tracing_worker(django_db_setup: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """``celery worker`` printing its spans (one JSON object per line) to its log."""
    workdir = tmp_path_factory.mktemp("trace-worker")
    log = workdir / "worker.log"
    env = dict(os.environ)
    env.update(
        DATABASE_URL=_test_database_url(),
        BATON_QUEUE=QUEUE,
        BATON_TRACE_CONSOLE="1",
        OTEL_BSP_SCHEDULE_DELAY="100",
    )
    command = worker_command(
        schedule=workdir / "beat", hostname=f"trace-{os.getpid()}@%h", concurrency=1
    )
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: b" ready." in log.read_bytes() or process.poll() is not None, timeout=60)
        assert process.poll() is None, log.read_text()[-4000:]
        yield log
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def jobs_to_trace_queue() -> Iterator[None]:
    """Route run_job to the tracing worker's queue for this test only."""
    previous = app.conf.task_routes
    app.conf.update(task_routes={"bpmn_engine.tasks.run_job": {"queue": QUEUE}})
    yield
    app.conf.update(task_routes=previous)


def worker_spans(log: Any) -> list[dict[str, Any]]:
    lines = log.read_text().splitlines()
    return [json.loads(line) for line in lines if line.startswith('{"name": ')]


def test_the_requests_trace_continues_in_the_worker_task_and_its_job(
    tracing_worker, jobs_to_trace_queue, spans, obs_deployed, make_user
):
    definition = obs_deployed("obs_approval")
    with tracing.tracer().start_as_current_span("POST /api/v1/instances") as request:
        instance = instance_start(
            definition=definition,
            variables={"input": "ping"},
            business_key="PO-T1",
            user=make_user("pat"),
        )
    wait_for(
        lambda: UserTask.objects.filter(instance=instance, state="open").exists(),
        what="the tracing worker to run the job",
    )
    trace_id = f"0x{request.get_span_context().trace_id:032x}"

    def traced() -> dict[str, dict[str, Any]]:
        found = {s["name"]: s for s in worker_spans(tracing_worker)}
        return found if set(NAMES) <= set(found) else {}

    found = wait_for(traced, timeout=15, what="the worker's spans in its log")
    task, job, step = (found[name] for name in NAMES)
    assert task["parent_id"] == f"0x{request.get_span_context().span_id:016x}"
    assert job["parent_id"] == step["parent_id"] == task["context"]["span_id"]
    assert {task["context"]["trace_id"], job["context"]["trace_id"]} == {trace_id}
    assert job["attributes"]["baton.instance_id"] == instance.pk
    assert step["attributes"]["baton.business_key"] == "PO-T1"
    anchor = f"0x{tracing.instance_anchor(instance.pk).span_id:016x}"
    assert job["links"][0]["context"]["span_id"] == anchor
    assert step["links"][0]["context"]["span_id"] == anchor
