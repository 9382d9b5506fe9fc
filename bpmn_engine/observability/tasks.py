"""Celery entry point of the retention cleanup (run by the ``cleanup-history`` beat
entry); found by ``config.celery``'s task autodiscovery of this package."""

from __future__ import annotations

from celery import shared_task

from bpmn_engine.observability.retention import history_cleanup


@shared_task(name="bpmn_engine.observability.tasks.cleanup_history")
def cleanup_history() -> dict[str, int]:
    return history_cleanup()
