"""Real worker processes killed for real (issue 6, crashes 6, 7 and the Redis run).

A handler blocks (on a flag file) until its process is killed. The broker message comes
back (RabbitMQ: durable queue, ``acks_late``, ``task_reject_on_worker_lost``, prefetch
1), the engine sees the lease's owner process is gone and takes the job back at once, and
the retry (``R3/PT1S``) completes it: the instance moves on exactly once, and the
idempotency key keeps the external charge to one.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from bpmn_engine.models import HistoryEvent, Incident, Job, ProcessInstance, UserTask
from bpmn_engine.services.instances import instance_start
from bpmn_engine.services.jobs import WORKER_LOST
from tests.conftest import wait_for
from tests.durability.processes import charge_folder, run_python, runs
from tests.durability.workers import Worker, pid_alive

pytestmark = [
    pytest.mark.durability,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]


def _blocked_run(folder: Path, instance: ProcessInstance) -> tuple[int, int]:
    """Wait until the handler runs (and blocks); return (job id, pid of its process)."""
    job = Job.objects.get(instance=instance)
    wait_for(
        lambda: any(run[0] == job.pk for run in runs(folder)),
        timeout=90,
        what="the handler to run",
    )
    [(_, attempt, pid)] = [run for run in runs(folder) if run[0] == job.pk]
    assert attempt == 1
    return job.pk, pid


def _assert_recovered_once(folder: Path, instance: ProcessInstance, job_id: int) -> float:
    started = time.monotonic()
    after = wait_for(
        lambda: UserTask.objects.filter(instance=instance, element_id="After").first(),
        timeout=60,
        what="the job to run again and the instance to move on",
    )
    recovery = time.monotonic() - started
    assert after.state == "open"
    assert UserTask.objects.filter(instance=instance).count() == 1, "moved on exactly once"
    assert not Job.objects.filter(pk=job_id).exists()
    attempts = [attempt for job, attempt, _ in runs(folder) if job == job_id]
    assert attempts == [1, 2], f"the job ran again once after the crash: {attempts}"
    charged = sorted(os.listdir(folder / "charges"))
    assert f"baton-job-{job_id}" in charged
    assert len(charged) == len({job for job, _, _ in runs(folder)}), "one charge per job"
    failed = HistoryEvent.objects.filter(instance=instance, event="job_failed")
    assert [event.data["error"] for event in failed] == [WORKER_LOST]
    return recovery


def test_kill_9_of_the_worker_main_process_then_of_its_child_recovers_each_job_once(
    deployed, tmp_path
):
    folder = charge_folder(tmp_path)
    definition = deployed("durability/blocking_service")
    (folder / "block").touch()
    first = Worker(folder, "crash-main")
    try:
        instance = instance_start(definition=definition)
        job_id, child = _blocked_run(folder, instance)
        first.kill()
        wait_for(lambda: not pid_alive(child), what="the pool child to die with its parent")
    finally:
        first.stop()
    (folder / "block").unlink()
    second = Worker(folder, "crash-child")
    try:
        recovery_main = _assert_recovered_once(folder, instance, job_id)
        (folder / "block").touch()
        instance = instance_start(definition=definition)
        job_id, child = _blocked_run(folder, instance)
        os.kill(child, signal.SIGKILL)
        (folder / "block").unlink()
        recovery_child = _assert_recovered_once(folder, instance, job_id)
    finally:
        second.stop()
    print(f"recovery after kill -9: main {recovery_main:.1f}s, child {recovery_child:.1f}s")
    assert recovery_main < 30 and recovery_child < 30, "well before JOB_LEASE_SECONDS (300)"


def test_a_job_that_kills_its_worker_every_time_ends_in_an_incident(deployed, tmp_path):
    """``R3/PT1S``: three runs, each killed; then an incident, not a loop."""
    folder = charge_folder(tmp_path)
    (folder / "block").touch()
    worker = Worker(folder, "crash-always")
    try:
        instance = instance_start(definition=deployed("durability/blocking_service"))
        job = Job.objects.get(instance=instance)
        for attempt in (1, 2, 3):

            def started(a: int = attempt) -> bool:
                return any(r[:2] == (job.pk, a) for r in runs(folder))

            wait_for(started, timeout=90, what=f"attempt {attempt}")
            [(_, _, pid)] = [r for r in runs(folder) if r[:2] == (job.pk, attempt)]
            os.kill(pid, signal.SIGKILL)
        wait_for(
            lambda: ProcessInstance.objects.get(pk=instance.pk).open_incidents == 1,
            timeout=60,
            what="the incident",
        )
        job.refresh_from_db()
        assert (job.state, job.attempts) == ("failed", 3)
        assert "after 3 attempts" in Incident.objects.get(instance=instance).message
        assert len([r for r in runs(folder) if r[0] == job.pk]) == 3
    finally:
        (folder / "block").unlink(missing_ok=True)
        worker.stop()


def test_the_end_to_end_worker_run_also_works_on_redis(deployed, tmp_path):
    """The same service flow, dispatched and run entirely over a Redis broker."""
    folder = charge_folder(tmp_path)
    redis = "redis://127.0.0.1:6379/7"
    definition = deployed("durability/blocking_service")
    worker = Worker(folder, "redis", broker=redis)
    try:
        starter = run_python(
            "from bpmn_engine.services.instances import instance_start\n"
            "from bpmn_engine.models import ProcessDefinition\n"
            f"print(instance_start(definition=ProcessDefinition.objects.get(pk={definition.pk})).pk)",
            folder,
            CELERY_BROKER_URL=redis,
        )
        output = starter.communicate(timeout=60)[0].decode()
        instance = ProcessInstance.objects.get(pk=int(output.split()[-1]))
        wait_for(
            lambda: UserTask.objects.filter(instance=instance, element_id="After").exists(),
            what="the Redis worker to run the job",
        )
        assert "redis://" in worker.text()
        assert len(runs(folder)) == 1
    finally:
        worker.stop()
