"""A broker killed and restarted with jobs pending (issue 6, crashes 8).

On a private RabbitMQ node (durable queue, persistent messages: the production broker)
and on a private Redis with an append-only file. A real worker holds one job (its
handler blocks), more jobs wait in the broker; the broker is ``kill -9``ed; more
instances start while it is down (their messages cannot be sent at all); the held job
finishes while it is down; then the broker starts again on the same data. Whatever the
broker kept is redelivered, and the beat sweeper resends every due job whose message is
older than ``REDISPATCH_AFTER_SECONDS`` (the controllable clock moves past it): the Job
table is the truth. Every instance moves on exactly once and every handler runs once.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bpmn_engine import clock
from bpmn_engine.conf import engine_setting
from bpmn_engine.models import Job, UserTask
from tests.conftest import wait_for
from tests.durability.brokers import private_broker
from tests.durability.processes import charge_folder, run_python, runs
from tests.durability.workers import Worker

pytestmark = [
    pytest.mark.durability,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]

BEFORE, DURING = 8, 4
"""Instances started while the broker is up, and while it is down."""


def _start_instances(definition_id: int, count: int, broker: str, folder: Path) -> list[int]:
    """Start instances in a separate process that talks to the private broker."""
    starter = run_python(
        "from bpmn_engine.services.instances import instance_start\n"
        "from bpmn_engine.models import ProcessDefinition\n"
        f"definition = ProcessDefinition.objects.get(pk={definition_id})\n"
        f"print('ids', *[instance_start(definition=definition).pk for _ in range({count})])",
        folder,
        CELERY_BROKER_URL=broker,
    )
    output = starter.communicate(timeout=120)[0].decode(errors="replace")
    assert starter.returncode == 0, output[-3000:]
    line = next(line for line in output.splitlines() if line.startswith("ids "))
    return [int(part) for part in line.split()[1:]]


@pytest.mark.parametrize("kind", ["rabbitmq", "redis"])
def test_a_broker_killed_with_jobs_pending_then_restarted_loses_none_and_runs_none_twice(
    kind, deployed, tmp_path
):
    folder = charge_folder(tmp_path / "run")
    definition = deployed("durability/blocking_service")
    broker = private_broker(kind, tmp_path / "broker")
    broker.start()
    worker = None
    try:
        (folder / "block").touch()
        worker = Worker(folder, f"restart-{kind}", broker=broker.url)
        instances = _start_instances(definition.pk, BEFORE, broker.url, folder)
        wait_for(lambda: runs(folder), timeout=60, what="the worker to hold the first job")
        broker.kill()  # one job held by the worker, the others queued in the broker
        instances += _start_instances(definition.pk, DURING, broker.url, folder)
        (folder / "block").unlink()  # the held job finishes while the broker is down
        wait_for(lambda: Job.objects.count() == BEFORE + DURING - 1, what="the held job")
        restarted = time.monotonic()
        broker.start()
        clock.advance(engine_setting("REDISPATCH_AFTER_SECONDS") + 1)
        wait_for(
            lambda: UserTask.objects.filter(instance_id__in=instances).count() == len(instances),
            timeout=120,
            what="every instance to move on after the restart",
        )
        recovered = time.monotonic() - restarted
    finally:
        if worker is not None:
            worker.stop()
        broker.kill()
    per_instance = UserTask.objects.filter(instance_id__in=instances, element_id="After")
    assert sorted(per_instance.values_list("instance_id", flat=True)) == sorted(instances)
    assert not Job.objects.exists(), "no job left behind"
    ran = [job for job, _, _ in runs(folder)]
    assert len(ran) == len(set(ran)) == len(instances), f"each handler ran once: {ran}"
    assert len(list((folder / "charges").iterdir())) == len(instances), "one charge per job"
    print(f"{kind}: {len(instances)} jobs done {recovered:.1f}s after the broker restarted")
