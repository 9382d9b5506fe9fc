"""``/metrics``: counters and histograms after a run, gauges read from the database."""

from __future__ import annotations

import pytest

from bpmn_engine import clock
from bpmn_engine.models import Job
from bpmn_engine.observability.metrics import ENGINE_REGISTRY
from bpmn_engine.services.instances import instance_start
from bpmn_engine.services.jobs import job_execute
from tests.bpmn_engine.observability.conftest import run_approval

pytestmark = pytest.mark.django_db


def sample(name: str, **labels: str) -> float:
    return ENGINE_REGISTRY.get_sample_value(name, labels) or 0.0


def scrape(client, address: str = "127.0.0.1") -> str:
    response = client.get("/metrics", REMOTE_ADDR=address)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def test_a_completed_run_shows_in_the_counters_and_histograms(client, obs_deployed, make_user):
    """Started and completed count per process; steps time per kind; jobs per topic."""
    before = {
        "started": sample("baton_instances_started_total", process="obs_approval"),
        "completed": sample("baton_instances_completed_total", process="obs_approval"),
        "finish": sample(
            "baton_step_duration_seconds_count", process="obs_approval", kind="job_finish"
        ),
        "jobs": sample("baton_job_duration_seconds_count", topic="obs-echo"),
    }
    run_approval(obs_deployed("obs_approval"), make_user("alice"))
    text = scrape(client)
    started = before["started"] + 1
    assert f'baton_instances_started_total{{process="obs_approval"}} {started}' in text
    completed = before["completed"] + 1
    assert f'baton_instances_completed_total{{process="obs_approval"}} {completed}' in text
    assert 'baton_instances_ended_total{process="obs_approval",state="completed"}' in text, (
        "ended instances are counted by final state"
    )
    for kind in ("instance_start", "job_finish", "task_complete"):
        assert f'baton_step_duration_seconds_count{{kind="{kind}",process="obs_approval"}}' in text
    finish = before["finish"] + 1
    assert (
        f'baton_step_duration_seconds_count{{kind="job_finish",process="obs_approval"}} {finish}'
        in text
    )
    jobs = before["jobs"] + 1
    assert f'baton_job_duration_seconds_count{{topic="obs-echo"}} {jobs}' in text


def test_database_gauges_show_the_queue_tasks_and_tokens_at_scrape_time(
    client, obs_deployed, make_user
):
    """A started instance waits on its job: the queue, its age and the token show."""
    instance = instance_start(
        definition=obs_deployed("obs_approval"), variables={"input": "x"}, user=make_user("bob")
    )
    clock.advance(42)
    text = scrape(client)
    assert 'baton_jobs{state="pending",topic="obs-echo"} 1.0' in text
    age = next(
        line
        for line in text.splitlines()
        if line.startswith('baton_jobs_due_oldest_age_seconds{topic="obs-echo"}')
    )
    assert float(age.split()[-1]) >= 42
    assert 'baton_tokens_active{process="obs_approval"} 1.0' in text
    assert 'baton_instances_active{process="obs_approval"} 1.0' in text
    assert "baton_timers_overdue_seconds 0.0" in text

    job_execute(job_id=Job.objects.get(instance=instance).pk)
    text = scrape(client)
    assert 'baton_user_tasks_open{process="obs_approval"} 1.0' in text
    assert 'baton_jobs{state="pending",topic="obs-echo"}' not in text


def test_a_job_out_of_retries_counts_a_failure_an_incident_and_a_failed_instance(
    client, obs_deployed
):
    failures = sample("baton_job_failures_total", topic="test-fail")
    failed = sample("baton_instances_failed_total", process="obs_failing")
    instance = instance_start(definition=obs_deployed("obs_failing"))
    assert job_execute(job_id=Job.objects.get(instance=instance).pk) == "incident"
    text = scrape(client)
    assert f'baton_job_failures_total{{topic="test-fail"}} {failures + 1}' in text
    assert f'baton_instances_failed_total{{process="obs_failing"}} {failed + 1}' in text
    assert 'baton_incidents_open{process="obs_failing"} 1.0' in text
    assert 'baton_jobs{state="failed",topic="test-fail"} 1.0' in text


def test_metrics_are_refused_to_addresses_not_allowed(client, settings):
    """No login, but only BATON_METRICS_ALLOWED_IPS (loopback by default) may scrape."""
    refused = client.get("/metrics", REMOTE_ADDR="10.1.2.3")
    assert refused.status_code == 403
    assert b"not open to this address" in refused.content
    settings.BATON_METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    assert "baton_jobs" in scrape(client, "10.1.2.3")
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403
