"""The embedded mode (SQLite) runs the same services through the portable path: the
step's statements one by one instead of one joined, prepared query."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

FLOW = """
from bpmn_engine.benchmarks.database import benchmark_user, deploy_benchmark
from bpmn_engine.models import HistoryEvent, ProcessInstance
from bpmn_engine.services.errors import Conflict
from bpmn_engine.services.instances import instance_start_step
from bpmn_engine.services.tasks import task_complete, task_complete_step

user = benchmark_user()
step = instance_start_step(
    definition=deploy_benchmark("approval_chain"), variables={"amount": 5000}, user=user
)
first, opened, completed = step.created_task_ids[0], step.created_task_ids, 0
while opened:
    _, done = task_complete_step(task_id=opened[0], user=user, variables={"approved": True})
    opened, completed = done.created_task_ids, completed + 1
try:
    task_complete(task_id=first, user=user)
    conflict = "none"
except Conflict as exc:
    conflict = str(exc)
instance = ProcessInstance.objects.get(pk=step.instance.pk)
history = HistoryEvent.objects.filter(instance=instance, event="task_completed").count()
print("RESULT", completed, instance.state, instance.version, history, conflict)
"""


def _manage(*args: str, var_dir: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["BATON_VAR_DIR"] = str(var_dir)
    env["CELERY_BROKER_URL"] = "filesystem://"
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_a_start_and_three_completions_run_on_sqlite(tmp_path):
    _manage("migrate", "--no-input", var_dir=tmp_path)
    output = _manage("shell", "-c", FLOW, var_dir=tmp_path)
    assert "RESULT 3 completed 4 3 Task 'Manager approval' was already completed" in output
    assert (tmp_path / "baton.sqlite3").exists()
