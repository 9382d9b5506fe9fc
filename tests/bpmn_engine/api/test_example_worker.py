"""examples/external_worker.py completes service tasks through the API of a running
Baton (``live_server``), as a separate process would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bpmn_engine.api.tokens import api_token_create
from bpmn_engine.models import Job, ProcessInstance
from bpmn_engine.services.instances import instance_start

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.django_db(transaction=True)
def test_the_example_worker_completes_external_tasks(live_server, deployed, make_user):
    definition = deployed("services/external_topic")
    instances = [instance_start(definition=definition, variables={"n": i}) for i in range(2)]
    token = api_token_create(user=make_user("robot", superuser=True)).plain
    result = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, "examples/external_worker.py", "--topic", "shipping-no-handler", "--once"],
        cwd=ROOT,
        env={**os.environ, "BATON_URL": live_server.url, "BATON_TOKEN": token},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "completed 2 task(s)" in result.stdout
    states = {i.state for i in ProcessInstance.objects.filter(pk__in=[i.pk for i in instances])}
    assert states == {ProcessInstance.State.COMPLETED}
    assert not Job.objects.exists()
