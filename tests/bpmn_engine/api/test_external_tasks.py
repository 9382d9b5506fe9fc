"""External tasks: fetch-and-lock, complete, failure with retries, BPMN error, extend
lock, and an expired lock that moves the task to another worker."""

from __future__ import annotations

import time

import pytest

from bpmn_engine import clock
from bpmn_engine.models import HistoryEvent, Incident, Job, ProcessInstance, UserTask
from bpmn_engine.services.instances import instance_start
from tests.bpmn_engine.api.helpers import assert_problem

pytestmark = pytest.mark.django_db
URL = "/api/v1/external-tasks"
TOPIC = "api-ext-credit"


@pytest.fixture
def worker(api, make_user):
    return api(make_user("worker", superuser=True))


@pytest.fixture
def credit(deployed_api):
    definition = deployed_api("external_credit")
    return instance_start(definition=definition, business_key="C-1", variables={"amount": 5})


def fetch(client, worker_id="w1", lock=60, **extra):
    body = {"workerId": worker_id, "topics": [TOPIC], "lockDuration": lock, **extra}
    response = client.post(f"{URL}/fetch-and-lock", body, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def test_fetch_locks_the_task_with_its_variables_and_complete_moves_on(worker, credit):
    [task] = fetch(worker)
    assert (task["topic"], task["elementId"], task["processInstanceId"]) == (
        TOPIC,
        "CreditCheck",
        credit.pk,
    )
    assert task["businessKey"] == "C-1" and task["variables"] == {"amount": 5}
    assert fetch(worker, "w2") == [], "a locked task is not handed to a second worker"
    done = worker.post(
        f"{URL}/{task['id']}/complete", {"workerId": "w1", "variables": {"ok": 1}}, format="json"
    )
    assert done.status_code == 204, done.content
    credit.refresh_from_db()
    assert credit.state == ProcessInstance.State.COMPLETED
    assert not Job.objects.exists()


def test_an_expired_lock_frees_the_task_and_the_old_holder_gets_409(worker, credit):
    [task] = fetch(worker, "w1", lock=10)
    clock.advance(11)
    [again] = fetch(worker, "w2", lock=10)
    assert again["id"] == task["id"] and again["workerId"] == "w2"
    late = worker.post(f"{URL}/{task['id']}/complete", {"workerId": "w1"}, format="json")
    body = assert_problem(late, 409, "conflict")
    assert "not locked by worker 'w1'" in body["detail"]
    expired = worker.post(
        f"{URL}/{task['id']}/extend-lock", {"workerId": "w2", "newDuration": 5}, format="json"
    )
    assert expired.status_code == 200, expired.content
    clock.advance(6)
    gone = worker.post(f"{URL}/{task['id']}/complete", {"workerId": "w2"}, format="json")
    assert "expired" in assert_problem(gone, 409)["detail"]


def test_a_failure_with_retries_waits_the_retry_timeout_then_opens_an_incident(worker, credit):
    [task] = fetch(worker)
    failed = worker.post(
        f"{URL}/{task['id']}/failure",
        {"workerId": "w1", "errorMessage": "bureau down", "retries": 1, "retryTimeout": 30},
        format="json",
    )
    assert failed.status_code == 200, failed.content
    assert failed.json()["state"] == "pending"
    assert fetch(worker) == [], "not before the retry timeout"
    clock.advance(31)
    [retry] = fetch(worker)
    assert retry["attempts"] == 1 and retry["retries"] == 1
    last = worker.post(
        f"{URL}/{task['id']}/failure",
        {"workerId": "w1", "errorMessage": "still down", "retries": 0},
        format="json",
    )
    assert last.json()["state"] == "failed"
    incident = Incident.objects.get()
    assert "still down" in incident.message and incident.instance_id == credit.pk
    assert HistoryEvent.objects.filter(event="job_failed").count() == 1


def test_a_bpmn_error_follows_the_error_boundary(worker, credit):
    [task] = fetch(worker)
    response = worker.post(
        f"{URL}/{task['id']}/bpmn-error", {"workerId": "w1", "errorCode": "REJECTED"}, format="json"
    )
    assert response.status_code == 204, response.content
    assert UserTask.objects.get(instance=credit).element_id == "Explain"


def test_long_polling_waits_at_most_the_timeout(worker, credit):
    fetch(worker)
    started = time.monotonic()
    assert fetch(worker, "w2", asyncResponseTimeout=0.5) == []
    assert 0.45 <= time.monotonic() - started < 5


def test_workers_need_staff_or_the_job_permission_and_valid_input(api, make_user, credit):
    plain = api(make_user("alice"))
    body = {"workerId": "w", "topics": [TOPIC], "lockDuration": 5}
    assert_problem(plain.post(f"{URL}/fetch-and-lock", body, format="json"), 403)
    staff = api(make_user("ops", superuser=True))
    bad = assert_problem(staff.post(f"{URL}/fetch-and-lock", {"workerId": "w"}, format="json"), 400)
    assert {e["field"] for e in bad["errors"]} == {"topics", "lockDuration"}
    missing = staff.post(f"{URL}/999999/complete", {"workerId": "w"}, format="json")
    assert "does not exist" in assert_problem(missing, 404)["detail"]


def test_a_suspended_instance_task_is_not_fetched(worker, credit):
    ProcessInstance.objects.filter(pk=credit.pk).update(state=ProcessInstance.State.SUSPENDED)
    assert fetch(worker) == []
