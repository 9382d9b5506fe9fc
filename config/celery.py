"""The Celery app. Workers run service-task jobs; beat runs the job sweeper."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from celery import Celery

from bpmn_engine.observability.celery_hooks import connect as connect_observability

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("baton")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["bpmn_engine", "bpmn_engine.observability"])

# Trace context through message headers, a span per task (bpmn_engine.observability).
connect_observability()


def worker_command(
    *,
    schedule: Path,
    hostname: str,
    concurrency: int = 2,
    queues: Sequence[str] = (),
    beat: bool = True,
) -> list[str]:
    """The argv of a Baton worker with its embedded beat (which runs the job sweeper);
    ``manage.py up`` and the test suite start exactly this process. ``queues`` makes it
    consume only those queues (job topics routed by ``BPMN_ENGINE["JOB_QUEUES"]``, see
    docs/deployment.md) instead of the default queue. ``beat=False`` leaves the beat out,
    for the other workers of a deployment that runs one beat (one sweeper) in all."""
    argv = [
        sys.executable, "-m", "celery", "-A", "config", "worker",
        "--loglevel", "INFO", "--concurrency", str(concurrency), "--hostname", hostname,
    ]  # fmt: skip
    if beat:
        argv += ["--beat", "--schedule", str(schedule)]
    if queues:
        argv += ["--queues", ",".join(queues)]
    return argv
