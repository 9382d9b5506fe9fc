"""Fixtures of the observability tests: their own diagrams, an in-memory span exporter."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from bpmn_engine.observability import tracing

DIAGRAMS = Path(__file__).resolve().parent / "diagrams"


@pytest.fixture
def obs_deployed(db: Any) -> Callable[[str], Any]:
    """Deploy ``diagrams/<name>.bpmn`` of this folder and return its ProcessDefinition."""
    from bpmn_engine.services.deploy import definition_deploy

    def deploy(name: str) -> Any:
        data = (DIAGRAMS / f"{name}.bpmn").read_bytes()
        return definition_deploy(data=data, filename=f"{name}.bpmn").definitions[0]

    return deploy


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    """Every span the engine and the Celery hooks finish during the test."""
    exporter = InMemorySpanExporter()
    tracing.use_processors([SimpleSpanProcessor(exporter)])
    yield exporter
    tracing.reset()


def run_approval(definition: Any, user: Any, *, business_key: str = "PO-1") -> Any:
    """Start, run the echo job here (as a worker would), approve: a completed instance."""
    from bpmn_engine.models import Job, ProcessInstance, UserTask
    from bpmn_engine.services.instances import instance_start
    from bpmn_engine.services.jobs import job_execute
    from bpmn_engine.services.tasks import task_complete

    instance = instance_start(
        definition=definition, variables={"input": "ping"}, business_key=business_key, user=user
    )
    job = Job.objects.get(instance=instance)
    assert job_execute(job_id=job.pk) == "completed"
    task = UserTask.objects.get(instance=instance, state="open")
    task_complete(task_id=task.pk, user=user)
    return ProcessInstance.objects.get(pk=instance.pk)
