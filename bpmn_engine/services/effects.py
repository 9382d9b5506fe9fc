"""Turn interpreter effects into rows, inside the step's transaction.

Broker work is queued with ``transaction.on_commit`` so a worker never sees a job whose
row is not committed yet, and a rolled-back step queues nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils.dateparse import parse_datetime, parse_duration

from bpmn_engine.handlers.registry import get_handler
from bpmn_engine.interpreter import effects as fx
from bpmn_engine.models import (
    HistoryEvent,
    Incident,
    Job,
    ProcessInstance,
    TaskCandidate,
    UserTask,
)
from bpmn_engine.services.retries import max_attempts_for

_ENDED_STATES = {
    "completed": ProcessInstance.State.COMPLETED,
    "terminated": ProcessInstance.State.TERMINATED,
    "cancelled": ProcessInstance.State.CANCELLED,
}


class EffectWriter:
    def __init__(self, instance: ProcessInstance, *, user: str, now: datetime) -> None:
        self.instance = instance
        self.user = user
        self.now = now
        self.history: list[HistoryEvent] = []

    def write(self, effects: list[fx.Effect]) -> None:
        for effect in effects:
            handler = getattr(self, f"_{type(effect).__name__}", None)
            if handler is None:
                raise TypeError(f"No writer for effect {type(effect).__name__}")
            handler(effect)
        if self.history:
            HistoryEvent.objects.bulk_create(self.history)

    def add_history(
        self, event: str, *, element_id: str = "", token_id: str | None = None, **data: object
    ) -> None:
        self.history.append(
            HistoryEvent(
                instance=self.instance,
                event=event,
                element_id=element_id,
                token_id=token_id or None,
                user=self.user,
                data=data,
                timestamp=self.now,
            )
        )

    # One method per effect class, named after it.

    def _RecordHistory(self, effect: fx.RecordHistory) -> None:
        self.add_history(
            effect.event, element_id=effect.element_id, token_id=effect.token_id, **effect.data
        )

    def _CreateUserTask(self, effect: fx.CreateUserTask) -> None:
        task = UserTask.objects.create(
            instance=self.instance,
            token_id=effect.token_id,
            element_id=effect.element_id,
            name=effect.name,
            documentation=effect.documentation,
            assignee=effect.assignee or "",
            priority=effect.priority if effect.priority is not None else 50,
            due_at=_parse_due(effect.due_date, self.now),
            form_key=effect.form_key or "",
            created_at=self.now,
        )
        candidates = [TaskCandidate(task=task, user=u) for u in effect.candidate_users]
        candidates += [TaskCandidate(task=task, group=g) for g in effect.candidate_groups]
        if candidates:
            TaskCandidate.objects.bulk_create(candidates)
        self.add_history(
            "task_created",
            element_id=effect.element_id,
            token_id=effect.token_id,
            task_id=task.pk,
            assignee=effect.assignee or "",
            candidate_users=list(effect.candidate_users),
            candidate_groups=list(effect.candidate_groups),
        )

    def _CancelUserTask(self, effect: fx.CancelUserTask) -> None:
        UserTask.objects.filter(
            instance=self.instance, token_id=effect.token_id, state=UserTask.State.OPEN
        ).update(state=UserTask.State.CANCELLED, completed_at=self.now)

    def _CreateJob(self, effect: fx.CreateJob) -> None:
        celery = get_handler(effect.topic) is not None
        job = Job.objects.create(
            instance=self.instance,
            token_id=effect.token_id,
            element_id=effect.element_id,
            topic=effect.topic,
            executor=Job.Executor.CELERY if celery else Job.Executor.EXTERNAL,
            max_attempts=max_attempts_for(effect.retry_time_cycle),
            retry_time_cycle=effect.retry_time_cycle or "",
            due_at=self.now,
            dispatched_at=self.now if celery else None,
            created_at=self.now,
        )
        if celery:
            from bpmn_engine.services.jobs import job_dispatch

            transaction.on_commit(lambda: job_dispatch(job.pk))

    def _CancelJob(self, effect: fx.CancelJob) -> None:
        Job.objects.filter(instance=self.instance, token_id=effect.token_id).delete()

    def _RaiseIncident(self, effect: fx.RaiseIncident) -> None:
        Incident.objects.create(
            instance=self.instance,
            token_id=effect.token_id,
            element_id=effect.element_id,
            message=effect.message,
            created_at=self.now,
        )
        self.instance.open_incidents += 1

    def _InstanceEnded(self, effect: fx.InstanceEnded) -> None:
        self.instance.state = _ENDED_STATES[effect.outcome]
        self.instance.ended_at = self.now


def _parse_due(value: str | None, now: datetime) -> datetime | None:
    """``camunda:dueDate`` is an ISO date-time or an ISO 8601 duration from now (P3D)."""
    if not value:
        return None
    when = parse_datetime(value)
    if when is not None:
        return when
    duration: timedelta | None = parse_duration(value)
    return now + duration if duration is not None else None
