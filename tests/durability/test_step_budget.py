"""A loop with no wait state hits the step budget (issue 6, crashes 12).

``MAX_STEPS_PER_TRANSACTION`` (10,000 element executions) stops the run; the step is
rolled back (nothing the loop did is written: no history of the looping elements, no
variable it set), the instance gets one incident where the step began, and the process
that ran it stays healthy: a real Celery worker goes on to run the next job, and the API
answers the start normally.
"""

from __future__ import annotations

import time

import pytest
from rest_framework.test import APIClient

from bpmn_engine.models import HistoryEvent, Incident, Job, ProcessInstance, Scope, Token, UserTask
from bpmn_engine.services.instances import instance_start
from bpmn_engine.services.jobs import incident_retry
from bpmn_engine.services.step_budget import BUDGET_EXCEEDED
from tests.conftest import wait_for
from tests.durability.processes import charge_folder, runs
from tests.durability.workers import Worker

pytestmark = [pytest.mark.durability, pytest.mark.django_db(transaction=True)]

BUDGET = BUDGET_EXCEEDED.format(limit=10_000)


def _assert_rolled_back_to(instance: ProcessInstance, element_id: str) -> Incident:
    """One incident at ``element_id`` with the budget message, and no trace of the loop."""
    instance = ProcessInstance.objects.get(pk=instance.pk)
    assert (instance.state, instance.open_incidents) == ("active", 1)
    incident = Incident.objects.get(instance=instance, state=Incident.State.OPEN)
    assert (incident.element_id, incident.message) == (element_id, BUDGET)
    tokens = list(Token.objects.filter(instance=instance).values_list("element_id", "state"))
    assert tokens == [(element_id, "failed")]
    looped = HistoryEvent.objects.filter(instance=instance, element_id__in=["Again", "Spin"])
    assert not looped.exclude(event__in=["incident", "incident_resolved"]).exists(), (
        "nothing the loop did was written"
    )
    variables = Scope.objects.filter(instance=instance).values_list("variables", flat=True)
    assert all("laps" not in v for v in variables)
    return incident


@pytest.mark.worker
def test_a_loop_after_a_service_task_is_rolled_back_on_a_real_worker_which_stays_healthy(
    deployed, tmp_path
):
    folder = charge_folder(tmp_path)
    looping = deployed("durability/loop_after_service")
    plain = deployed("durability/blocking_service")
    worker = Worker(folder, "budget")
    try:
        instance = instance_start(definition=looping)
        wait_for(
            lambda: ProcessInstance.objects.get(pk=instance.pk).open_incidents,
            timeout=60,
            what="the step budget incident",
        )
        incident = _assert_rolled_back_to(instance, "Again")  # the job's own step is kept
        assert not Job.objects.filter(instance=instance).exists(), "the job itself completed"
        [(_, _, pid)] = runs(folder)

        healthy = instance_start(definition=plain)  # the same worker process runs on
        wait_for(
            lambda: UserTask.objects.filter(instance=healthy, element_id="After").exists(),
            timeout=60,
            what="the worker to run the next job",
        )
        assert worker.process.poll() is None
        assert [run[2] for run in runs(folder)] == [pid, pid], "the same pool process"

        started = time.monotonic()
        incident_retry(incident_id=incident.pk)  # the loop is still there: rolled back again
        print(f"a 10,000-step runaway rolled back in {time.monotonic() - started:.2f}s")
        assert _assert_rolled_back_to(instance, "Again").pk != incident.pk
        assert len(runs(folder)) == 2, "a retry re-runs the step, not the handler"
    finally:
        worker.stop()


def test_a_loop_right_after_the_start_through_the_api_leaves_the_instance_at_its_start(
    deployed, make_user
):
    definition = deployed("durability/loop_at_start")
    client = APIClient()
    client.force_authenticate(make_user("starter"))
    response = client.post(f"/api/v1/process-definitions/{definition.pk}/start", {}, format="json")
    assert response.status_code == 201, response.content
    instance = ProcessInstance.objects.get(pk=response.json()["id"])
    _assert_rolled_back_to(instance, "Start")
    again = client.post(f"/api/v1/process-definitions/{definition.pk}/start", {}, format="json")
    assert again.status_code == 201, "the web process stays healthy"
