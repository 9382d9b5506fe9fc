"""Job topics routed to dedicated queues (``BPMN_ENGINE["JOB_QUEUES"]``, job_routing)."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings

from bpmn_engine.models import Job, UserTask
from bpmn_engine.services.instances import instance_start
from bpmn_engine.services.job_routing import job_queue
from config.celery import worker_command
from tests.conftest import ROOT, _test_database_url, wait_for

ROUTED_QUEUE = f"{settings.CELERY_TASK_DEFAULT_QUEUE}-routed"


def _routes(routes: Any) -> override_settings:
    return override_settings(BPMN_ENGINE={**settings.BPMN_ENGINE, "JOB_QUEUES": routes})


@pytest.fixture
def routed_worker(tmp_path: Path) -> Iterator[Path]:
    """A worker that consumes only ``ROUTED_QUEUE`` (no beat, so no sweeper re-sends a
    job to the default queue behind the test's back); yields its log file."""
    argv = worker_command(
        schedule=tmp_path / "beat",
        hostname=f"routed-{os.getpid()}@%h",
        concurrency=1,
        queues=[ROUTED_QUEUE],
    )
    at = argv.index("--beat")
    argv = argv[:at] + argv[at + 3 :]
    log = tmp_path / "worker.log"
    env = dict(os.environ, DATABASE_URL=_test_database_url())
    with log.open("wb") as out:
        process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        deadline = time.monotonic() + 60
        while b" ready." not in log.read_bytes():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"The routed worker did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.1)
        yield log
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.mark.django_db(transaction=True)
def test_a_routed_topic_is_run_by_the_worker_consuming_its_queue(
    deployed: Any, make_user: Any, routed_worker: Path
) -> None:
    """The only worker consumes only the routed queue, so the job moving on proves its
    message was sent there."""
    alice = make_user("alice")
    definition = deployed("services/service_then_user")
    with _routes({"test-echo": ROUTED_QUEUE}):
        instance = instance_start(definition=definition, user=alice)
        job = Job.objects.get(instance=instance)
        assert job_queue(job.pk) == ROUTED_QUEUE
    wait_for(
        lambda: UserTask.objects.filter(instance=instance, element_id="review").exists(),
        timeout=60,
        what="the routed worker to run the echo job",
    )
    assert not Job.objects.filter(instance=instance).exists()
    assert "bpmn_engine.tasks.run_job" in routed_worker.read_text(errors="replace")


@pytest.mark.django_db
def test_unrouted_topics_and_no_routes_use_the_default_queue(deployed: Any) -> None:
    instance = instance_start(definition=deployed("services/service_then_user"))
    job = Job.objects.get(instance=instance)
    assert job_queue(job.pk) is None
    with _routes({"another-topic": ROUTED_QUEUE}):
        assert job_queue(job.pk) is None


@pytest.mark.django_db
def test_a_malformed_route_map_names_the_setting() -> None:
    with _routes({"test-echo": ""}), pytest.raises(ValueError, match='"JOB_QUEUES"'):
        job_queue(1)
