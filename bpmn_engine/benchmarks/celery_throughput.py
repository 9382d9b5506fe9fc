"""Approval instances completed per second through real Celery worker processes.

The demo approval (``diagrams/purchase_request.bpmn``, amount 100: check budget ->
manager approval -> place order and notify in parallel) runs from start to end: this
process starts the instances and completes each manager task as soon as it opens (as
a manager would), and the workers run the three service tasks. Workers are ordinary
``celery worker`` processes (``config.celery.worker_command``, concurrency 1 each; the
first also runs beat, the job sweeper) on the benchmark's throw-away database and the
configured broker and queue (``CELERY_BROKER_URL``, ``BATON_QUEUE``), so use a queue no
one else consumes.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, User

from bpmn_engine.models import ProcessInstance, UserTask
from bpmn_engine.services.deploy import definition_deploy
from bpmn_engine.services.instances import instance_start
from bpmn_engine.services.tasks import task_complete
from config.celery import worker_command

ROOT = Path(__file__).resolve().parent.parent.parent
VARIABLES = {"amount": 100, "description": "benchmark", "costCenter": "operations"}


def _database_url() -> str:
    db = settings.DATABASES["default"]
    return (
        f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


def _user(name: str, group: str) -> User:
    user, _ = User.objects.get_or_create(username=name)
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def without_beat(argv: list[str]) -> list[str]:
    """``argv`` of ``worker_command`` without ``--beat --schedule <file>``."""
    at = argv.index("--beat")
    return argv[:at] + argv[at + 3 :]


def run_worker(
    stack: ExitStack,
    argv: list[str],
    log: Path,
    *,
    label: str,
    extra_env: dict[str, str] | None = None,
    ready: Callable[[subprocess.Popen[bytes]], bool] = lambda _process: True,
) -> subprocess.Popen[bytes]:
    """Start a bench worker on the benchmark's database and queue, logging to ``log``,
    stopped when ``stack`` closes; wait for its ``ready.`` line (and ``ready``)."""
    env = dict(
        os.environ,
        DATABASE_URL=_database_url(),
        BATON_QUEUE=settings.CELERY_TASK_DEFAULT_QUEUE,
        **(extra_env or {}),
    )
    out = stack.enter_context(log.open("wb"))
    process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603

    def stop() -> None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()

    stack.callback(stop)
    deadline = time.monotonic() + 90
    while b" ready." not in log.read_bytes() or not ready(process):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{label} did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)
    return process


def _start_worker(stack: ExitStack, workdir: Path, number: int) -> None:
    """Start one worker process and wait for its ``ready.`` line."""
    argv = worker_command(
        schedule=workdir / "beat-schedule",
        hostname=f"bench{number}-{os.getpid()}@%h",
        concurrency=1,
    )
    if number > 0:  # one beat (sweeper) is enough
        argv = without_beat(argv)
    run_worker(stack, argv, workdir / f"worker{number}.log", label=f"Worker {number}")


def _run(instances: int, requester: User, manager: User, *, timeout: float) -> float:
    """Start ``instances`` approvals, drive the manager tasks; seconds until all ended."""
    started = time.perf_counter()
    ids = [
        instance_start(key="purchase_request", variables=VARIABLES, user=requester).pk
        for _ in range(instances)
    ]
    deadline = time.monotonic() + timeout
    while ProcessInstance.objects.filter(pk__in=ids, state="completed").count() < instances:
        opened = UserTask.objects.filter(instance_id__in=ids, state=UserTask.State.OPEN)
        for task_id in opened.values_list("pk", flat=True):
            task_complete(task_id=task_id, user=manager, variables={"approved": True})
        if time.monotonic() > deadline:
            raise RuntimeError(f"Approvals did not finish within {timeout}s (stuck jobs?)")
        time.sleep(0.02)
    return time.perf_counter() - started


def celery_benchmark(*, instances: int = 200, workers: list[int] | None = None) -> dict[str, Any]:
    """Approvals/s with each number of worker processes in ``workers`` (default 1 and 2)."""
    data = (ROOT / "diagrams" / "purchase_request.bpmn").read_bytes()
    definition_deploy(data=data, filename="purchase_request.bpmn")
    requester, manager = _user("bench-requester", "requesters"), _user("bench-boss", "managers")
    results: dict[str, Any] = {"broker": settings.CELERY_BROKER_URL.split("://")[0]}
    for count in workers or [1, 2]:
        with ExitStack() as stack:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-")))
            for number in range(count):
                _start_worker(stack, workdir, number)
            _run(max(instances // 10, 2), requester, manager, timeout=120)  # warm-up
            seconds = _run(instances, requester, manager, timeout=600)
        results[f"workers_{count}_instances_per_second"] = round(instances / seconds, 1)
    return results
