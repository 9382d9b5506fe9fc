"""Celery entry points: thin, they take ids and call one service.

Both are safe to run twice: the services re-check the job row under a lock.
"""

from __future__ import annotations

from celery import shared_task

from bpmn_engine.services.jobs import job_execute, jobs_sweep
from bpmn_engine.services.notifications import notifications_send_digest


@shared_task(name="bpmn_engine.tasks.run_job")
def run_job(job_id: int) -> str:
    return job_execute(job_id=job_id)


@shared_task(name="bpmn_engine.tasks.fire_timer")
def fire_timer(job_id: int) -> str:
    from bpmn_engine.services.events.timers import timer_fire

    return timer_fire(job_id=job_id)


@shared_task(name="bpmn_engine.tasks.fire_timers")
def fire_timers(job_ids: list[int]) -> dict[str, int]:
    """Several due timers in one message (the sweeper batches them); each fires in its
    own transaction."""
    from bpmn_engine.services.events.timers import timers_fire

    return timers_fire(job_ids=job_ids)


@shared_task(name="bpmn_engine.tasks.sweep_jobs")
def sweep_jobs() -> dict[str, int]:
    return jobs_sweep()


@shared_task(name="bpmn_engine.tasks.send_digest")
def send_digest() -> int:
    """The daily digest of pending tasks (beat schedule ``send-digest``)."""
    return notifications_send_digest()
