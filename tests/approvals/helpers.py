"""Small steps the page tests share."""

from __future__ import annotations

from typing import Any


def open_task(instance_id: int) -> Any:
    from bpmn_engine.models import UserTask

    return UserTask.objects.get(instance_id=instance_id, state=UserTask.State.OPEN)


def run_jobs(instance_id: int) -> None:
    from bpmn_engine.models import Job
    from bpmn_engine.services.jobs import job_execute

    while jobs := list(Job.objects.filter(instance_id=instance_id, state=Job.State.PENDING)):
        for job in jobs:
            job_execute(job_id=job.pk)
