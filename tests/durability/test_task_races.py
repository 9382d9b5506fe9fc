"""Two sessions act on the same task at once (issue 6, concurrency 2).

Both sessions are paused after their transaction has read and before it writes; exactly
one succeeds, the other gets ``Conflict`` (409 through the API), and there is one
successor token and one history row.
"""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from bpmn_engine.models import HistoryEvent, ProcessInstance, Token, UserTask
from bpmn_engine.services.errors import Conflict
from bpmn_engine.services.instances import instance_start
from bpmn_engine.services.task_access import write_task
from bpmn_engine.services.tasks import task_claim, task_complete
from tests.durability.race import RaceResult

pytestmark = [pytest.mark.durability, pytest.mark.django_db(transaction=True)]

RACES = 25


def _review_task(deployed: Any, boss: Any) -> UserTask:
    definition = deployed("durability/parallel_join_2")
    instance = instance_start(definition=definition, user=boss)
    return UserTask.objects.get(instance=instance, element_id="Branch1")


def _one_wins(result: RaceResult) -> BaseException:
    assert result.waited_on_lock, "the loser must have waited on the lock, not run alone"
    assert len(result.values()) == 1, f"expected one winner, got {result.outcomes}"
    [error] = result.errors()
    return error


def test_two_completions_of_one_task_give_one_success_and_one_conflict(
    harness, deployed, boss, make_user
):
    other = make_user("other", superuser=True)
    for _ in range(RACES):
        task = _review_task(deployed, boss)
        result = harness.race(
            lambda t=task: task_complete(task_id=t.pk, user=boss, variables={"by": "boss"}),
            lambda t=task: task_complete(task_id=t.pk, user=other, variables={"by": "other"}),
        )
        error = _one_wins(result)
        assert isinstance(error, Conflict), repr(error)
        assert "was already completed" in str(error), str(error)
        history = HistoryEvent.objects.filter(instance=task.instance, event="task_completed")
        assert history.count() == 1
        tokens = Token.objects.filter(instance=task.instance, element_id="Join")
        assert tokens.count() == 1, "one successor token waits at the join"


def test_two_claims_of_one_task_give_one_assignee_and_one_conflict(
    harness, deployed, boss, make_user, monkeypatch
):
    other = make_user("other", superuser=True)
    original = write_task

    def paused_write(*args: Any, **kwargs: Any) -> Any:
        harness.gate.pause()
        return original(*args, **kwargs)

    monkeypatch.setattr("bpmn_engine.services.tasks.write_task", paused_write)
    for _ in range(RACES):
        task = _review_task(deployed, boss)
        result = harness.race(
            lambda t=task: task_claim(task_id=t.pk, user=boss),
            lambda t=task: task_claim(task_id=t.pk, user=other),
        )
        error = _one_wins(result)
        assert isinstance(error, Conflict)
        assert "already claimed by" in str(error)
        [winner] = result.values()
        assert UserTask.objects.get(pk=task.pk).assignee == winner.assignee
        claims = HistoryEvent.objects.filter(instance=task.instance, event="task_claimed")
        assert claims.count() == 1


def test_two_api_completions_give_one_200_and_one_409(harness, deployed, boss, make_user):
    other = make_user("other", superuser=True)

    def post(user: Any, task_id: int) -> Any:
        client = APIClient()
        client.force_authenticate(user)
        return client.post(f"/api/v1/tasks/{task_id}/complete", {}, format="json")

    for _ in range(10):
        task = _review_task(deployed, boss)
        result = harness.race(lambda t=task: post(boss, t.pk), lambda t=task: post(other, t.pk))
        assert result.errors() == []
        assert result.waited_on_lock
        codes = sorted(response.status_code for response in result.values())
        assert codes == [200, 409], codes
        conflict = next(r for r in result.values() if r.status_code == 409)
        assert "conflict" in conflict.content.decode()
        assert (
            HistoryEvent.objects.filter(instance=task.instance, event="task_completed").count() == 1
        )
        assert ProcessInstance.objects.get(pk=task.instance_id).state == "active"
