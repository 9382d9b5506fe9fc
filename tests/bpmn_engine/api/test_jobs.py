"""Jobs: list and filter (staff), move a timer's due date so it fires now."""

from __future__ import annotations

import pytest

from bpmn_engine import clock
from bpmn_engine.models import Job, Token
from bpmn_engine.services.events.timers import timer_fire
from bpmn_engine.services.instances import instance_start
from tests.bpmn_engine.api.helpers import assert_problem

pytestmark = pytest.mark.django_db
URL = "/api/v1/jobs"


def test_staff_list_jobs_filtered_by_kind(api, deployed, make_user):
    instance_start(definition=deployed("events/timer_catch"))
    instance_start(definition=deployed("services/external_topic"))
    ops = api(make_user("ops", superuser=True))
    timers = ops.get(f"{URL}?kind=timer").json()["results"]
    assert [(j["kind"], j["elementId"]) for j in timers] == [("timer", "Wait")]
    external = ops.get(f"{URL}?executor=external").json()["results"]
    assert [j["topic"] for j in external] == ["shipping-no-handler"]
    assert_problem(api(make_user("alice")).get(URL), 403)


def test_a_timer_moved_to_now_fires(api, deployed, make_user, django_capture_on_commit_callbacks):
    instance = instance_start(definition=deployed("events/timer_catch"))
    job = Job.objects.get(kind=Job.Kind.TIMER)
    ops = api(make_user("ops", superuser=True))
    with django_capture_on_commit_callbacks() as callbacks:
        response = ops.post(
            f"{URL}/{job.pk}/due-date", {"dueAt": clock.now().isoformat()}, format="json"
        )
    assert response.status_code == 200, response.content
    assert len(callbacks) == 1, "the due timer is dispatched on commit"
    assert timer_fire(job_id=job.pk) == "fired"
    assert Token.objects.get(instance=instance).element_id != "Wait"


def test_only_pending_timers_have_a_due_date(api, deployed, make_user):
    instance_start(definition=deployed("services/external_topic"))
    job = Job.objects.get()
    ops = api(make_user("ops", superuser=True))
    refused = ops.post(f"{URL}/{job.pk}/due-date", {"dueAt": "2030-01-01T00:00:00Z"}, format="json")
    assert "not a pending timer" in assert_problem(refused, 409)["detail"]
    bad = ops.post(f"{URL}/{job.pk}/due-date", {"dueAt": "tomorrow"}, format="json")
    assert assert_problem(bad, 400)["errors"][0]["field"] == "dueAt"
    assert_problem(
        ops.post(f"{URL}/999999/due-date", {"dueAt": "2030-01-01T00:00:00Z"}, format="json"), 404
    )
