"""Through a real Celery worker process: its log lines name the instance they serve."""

from __future__ import annotations

import pytest

from bpmn_engine.models import Job, UserTask
from bpmn_engine.services.instances import instance_start
from tests.conftest import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_the_workers_handler_log_line_names_the_instance_job_and_business_key(
    celery_worker_process, obs_deployed, make_user
):
    instance = instance_start(
        definition=obs_deployed("obs_approval"),
        variables={"input": "ping"},
        business_key="PO-W1",
        user=make_user("olga"),
    )
    job_id = Job.objects.get(instance=instance).pk
    wait_for(
        lambda: UserTask.objects.filter(instance=instance, state="open").exists(),
        what="the worker to run the obs-echo job",
    )
    expected = f"tests.handlers.obs [instance={instance.pk} key=PO-W1 job={job_id}]: echoing"
    log = celery_worker_process.log_path
    wait_for(lambda: expected in log.read_text(), timeout=10, what=f"{expected!r} in {log}")
