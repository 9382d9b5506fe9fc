"""Three real Celery worker processes on one database handle every job once (issue 7).

``test_job_leases`` shows one holder per job with processes that call the job service
directly; here the jobs travel the production path: the broker message (acks late,
prefetch 1), three ``celery worker`` processes (concurrency 1) consuming one queue, and
the beat sweeper running in one of them, which re-sends any due job it sees undispatched.
Each handler run is recorded in a file (``durability-charge``), outside the engine's own
bookkeeping, so a job run twice shows there even if the engine's rows looked right.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator

import pytest
from kombu import Queue

from bpmn_engine.models import HistoryEvent, Job, ProcessInstance
from bpmn_engine.services.instances import instance_start
from config.celery import app
from tests.conftest import wait_for
from tests.durability.processes import charge_folder, runs
from tests.durability.workers import Worker, descendants

pytestmark = [
    pytest.mark.durability,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]

INSTANCES = 60
WORKERS = 3


@pytest.fixture
def own_queue(settings) -> Iterator[str]:
    """A queue only this test's workers consume: the test routes the handler's topic to
    it (``JOB_QUEUES``), and the workers take it as their default queue, so their beat
    sweeper re-sends to it too. Deleted afterwards."""
    queue = f"three-workers-{uuid.uuid4().hex[:12]}"
    settings.BPMN_ENGINE = {**settings.BPMN_ENGINE, "JOB_QUEUES": {"durability-charge": queue}}
    yield queue
    with app.connection_for_write() as connection:
        Queue(queue).bind(connection.default_channel).delete()


def test_three_workers_on_one_database_run_each_job_exactly_once(deployed, tmp_path, own_queue):
    folder = charge_folder(tmp_path)
    definition = deployed("durability/service_then_end")
    workers: list[Worker] = []
    try:
        for number in range(WORKERS):  # the beat (the sweeper) runs in the first one only
            workers.append(
                Worker(folder, f"three-{number}", beat=number == 0, BATON_QUEUE=own_queue)
            )
        instances = [instance_start(definition=definition) for _ in range(INSTANCES)]
        ended = ProcessInstance.objects.filter(definition=definition, state="completed")
        wait_for(
            lambda: ended.count() == INSTANCES,
            timeout=90,
            what=f"all {INSTANCES} instances to complete through the three workers",
        )
        pool = {worker.process.pid: set(descendants(worker.process.pid)) for worker in workers}
    finally:
        for worker in workers:
            worker.stop()

    recorded = runs(folder)
    per_job = Counter(job_id for job_id, _, _ in recorded)
    assert len(per_job) == INSTANCES and set(per_job.values()) == {1}, (
        f"each job's handler ran exactly once: {sorted(per_job.items())}"
    )
    assert {attempt for _, attempt, _ in recorded} == {1}, "no job needed a second attempt"
    endings = HistoryEvent.objects.filter(instance__in=instances, event="instance_completed")
    completed = Counter(endings.values_list("instance_id", flat=True))
    assert completed == Counter({instance.pk: 1 for instance in instances}), "completed once"
    assert not Job.objects.exists()

    per_worker = Counter(
        main for _, _, pid in recorded for main, children in pool.items() if pid in children
    )
    assert sum(per_worker.values()) == INSTANCES, "every run was in one of the three workers"
    print(f"jobs per worker process: {sorted(per_worker.values(), reverse=True)}")
    assert len(per_worker) >= 2, f"the work was really shared: {per_worker}"
