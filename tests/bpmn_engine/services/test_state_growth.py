"""Stored runtime state is proportional to active tokens, never to history."""

from __future__ import annotations

import json

import pytest

from bpmn_engine.benchmarks.database import deploy_benchmark
from bpmn_engine.models import HistoryEvent, Scope, Token, UserTask
from bpmn_engine.services.instances import instance_start
from bpmn_engine.services.tasks import task_complete

pytestmark = pytest.mark.django_db


def _run_loop(user, iterations: int) -> tuple[int, int, int, int]:
    """Run the review loop ``iterations`` times; return the runtime rows it leaves."""
    instance = instance_start(
        definition=deploy_benchmark("loop"), variables={"iteration": 0, "rounds": 10_000}, user=user
    )
    for _ in range(iterations):
        task = UserTask.objects.get(instance=instance, state="open")
        task_complete(task_id=task.pk, user=user, variables={"note": "ok"})
    variables = Scope.objects.get(instance=instance).variables
    assert variables["iteration"] == iterations
    size = len(json.dumps({k: v for k, v in variables.items() if k != "iteration"}))
    tokens = Token.objects.filter(instance=instance).count()
    scopes = Scope.objects.filter(instance=instance).count()
    open_tasks = UserTask.objects.filter(instance=instance, state="open").count()
    assert HistoryEvent.objects.filter(instance=instance).count() > iterations  # history grows
    return tokens, scopes, open_tasks, size


def test_a_200_iteration_loop_stores_the_same_runtime_state_as_a_5_iteration_one(make_user):
    user = make_user("reviewer", "managers")
    assert (
        _run_loop(user, 5)
        == _run_loop(user, 200)
        == (1, 1, 1, len('{"rounds": 10000, "note": "ok"}'))
    )
