"""Multiprocess mode: counters kept by several processes (web and Celery workers) add up
on ``/metrics`` when they share ``PROMETHEUS_MULTIPROC_DIR``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

COUNT = "from bpmn_engine.observability import metrics; metrics.JOB_FAILURES.labels('mp').inc()"
READ = (
    "import django; django.setup(); from prometheus_client import generate_latest; "
    "from bpmn_engine.observability.views import _event_registry; "
    "print(generate_latest(_event_registry()).decode())"
)


def run(code: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_counters_of_separate_processes_add_up_in_the_shared_directory(tmp_path):
    env = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    run(COUNT, env)
    run(COUNT, env)
    assert 'baton_job_failures_total{topic="mp"} 2.0' in run(READ, env)
