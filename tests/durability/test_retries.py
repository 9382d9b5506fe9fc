"""Retries (issue 6, crashes 10): ``R3/PT1S`` is exactly 3 attempts at least 1 s apart,
then an incident; retrying the incident resumes the instance (controllable clock)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bpmn_engine import clock
from bpmn_engine.models import HistoryEvent, Incident, Job, ProcessInstance, UserTask
from bpmn_engine.services.instances import instance_start
from bpmn_engine.services.jobs import incident_retry, job_execute

pytestmark = [pytest.mark.durability, pytest.mark.django_db(transaction=True)]


def test_r3_pt1s_gives_three_attempts_a_second_apart_then_an_incident_that_resumes(
    deployed, tmp_path, monkeypatch
):
    monkeypatch.setenv("BATON_DURABILITY_DIR", str(tmp_path))
    instance = instance_start(definition=deployed("durability/retry_r3"))
    job = Job.objects.get(instance=instance)
    outcomes = []
    for _ in range(3):
        outcomes.append(job_execute(job_id=job.pk))
        assert job_execute(job_id=job.pk) == "skipped", "never before the retry is due"
        clock.advance(0.5)
        assert job_execute(job_id=job.pk) == "skipped", "not half a second later either"
        clock.advance(0.5)
    assert outcomes == ["retry", "retry", "incident"]
    job.refresh_from_db()
    assert (job.state, job.attempts, job.max_attempts) == ("failed", 3, 3)
    failed = list(HistoryEvent.objects.filter(instance=instance, event="job_failed"))
    incident = Incident.objects.get(instance=instance)
    times = [event.timestamp for event in failed] + [incident.created_at]
    assert all(b - a >= timedelta(seconds=1) for a, b in zip(times, times[1:], strict=False))
    assert "the ledger is down (attempt 3)" in incident.message
    assert "after 3 attempts" in incident.message
    assert job_execute(job_id=job.pk) == "skipped", "an incident is not retried by itself"

    (tmp_path / "fixed").touch()
    incident_retry(incident_id=incident.pk)
    assert job_execute(job_id=job.pk) == "completed"
    assert UserTask.objects.filter(instance=instance, element_id="After").count() == 1
    assert ProcessInstance.objects.get(pk=instance.pk).open_incidents == 0
