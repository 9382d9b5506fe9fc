"""Job leases across real processes (issue 6, concurrency 5, and crash recovery).

Each job has one holder at a time; a result from an expired lease is refused; a lease
whose owner process is gone is taken back at once, not after ``JOB_LEASE_SECONDS``.
"""

from __future__ import annotations

from collections import Counter

import pytest

from bpmn_engine import clock
from bpmn_engine.models import HistoryEvent, Job, ProcessInstance, UserTask
from bpmn_engine.services.instances import instance_start
from bpmn_engine.services.jobs import WORKER_LOST, job_execute, job_finish, job_lease, jobs_sweep
from tests.durability.processes import charge_folder, run_python, runs

pytestmark = [pytest.mark.durability, pytest.mark.django_db(transaction=True)]

JOBS = 30
PROCESSES = 3


def test_many_jobs_across_several_processes_each_run_by_one_holder(deployed, tmp_path):
    """Three processes each try to run every job (in different orders) at once: every
    job's handler runs exactly once and every instance moves on exactly once."""
    folder = charge_folder(tmp_path)
    definition = deployed("durability/blocking_service")
    instances = [instance_start(definition=definition) for _ in range(JOBS)]
    ids = list(Job.objects.filter(kind=Job.Kind.SERVICE).values_list("pk", flat=True))
    assert len(ids) == JOBS
    orders = [ids, ids[::-1], ids[1::2] + ids[::2]]
    workers = [
        run_python(
            "from bpmn_engine.services.jobs import job_execute\n"
            f"print([job_execute(job_id=i) for i in {order}])",
            folder,
        )
        for order in orders[:PROCESSES]
    ]
    outputs = [worker.communicate(timeout=120)[0].decode() for worker in workers]
    assert all(worker.returncode == 0 for worker in workers), outputs
    per_job = Counter(job_id for job_id, _, _ in runs(folder))
    assert per_job == Counter({job_id: 1 for job_id in ids}), "one holder per job"
    assert len({pid for _, _, pid in runs(folder)}) >= 2, "the work was really shared"
    assert sum(output.count("'completed'") for output in outputs) == JOBS
    for instance in instances:
        assert UserTask.objects.filter(instance=instance, element_id="After").count() == 1
    assert not Job.objects.exists()


def test_a_result_from_an_expired_lease_is_refused(deployed, tmp_path):
    charge_folder(tmp_path)
    instance = instance_start(definition=deployed("durability/blocking_service"))
    job = Job.objects.get(instance=instance)
    lease = job_lease(job_id=job.pk)
    assert lease is not None
    clock.advance(301)  # past JOB_LEASE_SECONDS: the sweeper takes the lease back
    assert jobs_sweep()["expired"] == 1
    assert job_finish(lease=lease, variables={"charged": True}) == "stale"
    assert not UserTask.objects.filter(instance=instance).exists()
    job.refresh_from_db()
    assert (job.state, job.attempts, job.lock_owner) == ("pending", 1, "")
    assert "lease expired" in job.last_error


def test_a_lease_whose_owner_process_died_is_taken_back_at_once(deployed, tmp_path, monkeypatch):
    """A real process leases the job and exits without finishing it (as a killed worker
    would). A redelivery then takes the lease back without waiting 300 s, counts the
    lost run as an attempt, and the retry completes the job exactly once."""
    monkeypatch.setenv("BATON_DURABILITY_DIR", str(charge_folder(tmp_path)))
    instance = instance_start(definition=deployed("durability/blocking_service"))
    job = Job.objects.get(instance=instance)
    holder = run_python(
        f"from bpmn_engine.services.jobs import job_lease\nprint(job_lease(job_id={job.pk}))"
    )
    assert holder.wait(timeout=60) == 0
    job.refresh_from_db()
    assert job.state == "running" and job.lock_owner.split(":")[1] == str(holder.pid)
    assert job_execute(job_id=job.pk) == "skipped"  # taken back; the retry is not yet due
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("pending", 1)
    assert job.last_error == WORKER_LOST
    assert HistoryEvent.objects.filter(instance=instance, event="job_failed").count() == 1
    clock.advance(11)
    assert job_execute(job_id=job.pk) == "completed"
    assert UserTask.objects.filter(instance=instance, element_id="After").count() == 1
    assert ProcessInstance.objects.get(pk=instance.pk).state == "active"
    assert [attempt for _, attempt, _ in runs(tmp_path)] == [2]
