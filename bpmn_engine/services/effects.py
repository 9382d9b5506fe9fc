"""Turn interpreter effects into rows, inside the step's transaction.

Broker work is queued with ``transaction.on_commit`` so a worker never sees a job whose
row is not committed yet, and a rolled-back step queues nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils.dateparse import parse_datetime, parse_duration

from bpmn_engine.handlers.registry import get_handler
from bpmn_engine.interpreter import effects as fx
from bpmn_engine.models import Incident, Job, ProcessInstance, UserTask
from bpmn_engine.persistence import reach, steps
from bpmn_engine.persistence.batch import Batch, Result
from bpmn_engine.services.events import writer as event_writer
from bpmn_engine.services.notifications import notify_on_commit
from bpmn_engine.services.retries import max_attempts_for

_ENDED_STATES = {
    "completed": ProcessInstance.State.COMPLETED,
    "terminated": ProcessInstance.State.TERMINATED,
    "cancelled": ProcessInstance.State.CANCELLED,
}


class EffectWriter:
    """Queues the rows a step's effects need on the step's ``Batch``; ``finish`` sends them.

    Most effects only queue statements, so a step's writes leave in one or two round trips
    (two when it opens a user task: its id is needed for candidates and history). Effects
    that use the ORM (jobs, incidents, cancellations) first run what is queued,
    so rows are always written in the order the interpreter emitted the effects.
    """

    def __init__(
        self,
        instance: ProcessInstance,
        *,
        user: str,
        now: datetime,
        batch: Batch | None = None,
    ) -> None:
        self.instance = instance
        self.user = user
        self.now = now
        self.batch = batch or Batch()
        self.history: list[tuple[Any, ...]] = []
        self.created_task_ids: list[int] = []
        self._new_tasks: list[tuple[Result, fx.CreateUserTask, dict[str, Any]]] = []
        self._reach_names: set[str] = set()
        self._reach_groups: set[str] = set()
        """Who the new tasks are for: assignees, else candidate users and groups."""
        self._one_trip = connection.vendor == "postgresql"
        """New tasks' candidates and history go with the task insert (``finish``)."""

    def write(self, effects: list[fx.Effect]) -> None:
        """Queue the effects' rows (``finish`` writes them)."""
        for effect in effects:
            handler = getattr(self, f"_{type(effect).__name__}", None)
            if handler is None:
                raise TypeError(f"No writer for effect {type(effect).__name__}")
            handler(effect)

    def finish(self) -> None:
        """Write everything queued, the history, and the instance row with a new version.

        On PostgreSQL this is one round trip even when the step opened tasks: their
        candidates and ``task_created`` rows find the new task by its token in the same
        query. Elsewhere the task ids come back first, then the rest goes.
        """
        task_of_token: dict[int, str] = {}
        if self._new_tasks and not self._one_trip:
            self.batch.run()
            for result, effect, data in self._new_tasks:
                self._task_created(_returned_id(result), effect, data)
            self._new_tasks.clear()
        for result, effect, data in self._new_tasks:
            if result.rows:  # an effect written through the ORM ran the batch already
                data["task_id"] = _returned_id(result)
            else:
                task_of_token[id(data)] = effect.token_id
        steps.queue_history(self.batch, self.history, task_of_token=task_of_token)
        self.history = []
        self.instance.version += 1
        steps.queue_instance_update(self.batch, self.instance)
        reached = self._queue_reach()
        self.batch.run()
        for result, effect, data in self._new_tasks:
            self._task_created(_returned_id(result), effect, data, candidates_queued=True)
        self._new_tasks.clear()
        if reached is True or (isinstance(reached, Result) and reached.rows):
            # email the people the new tasks reach, after commit
            notify_on_commit(self.created_task_ids, actor=self.user)

    def _queue_reach(self) -> Result | bool:
        """Whether to look up, after commit, whom the new tasks reach: False when they
        reach nobody by name or group, a queued check (``persistence.reach``) when it
        can be asked with the step's writes, True to leave it to ``notifications``."""
        opened = self.created_task_ids or self._new_tasks
        if not opened or not (self._reach_names or self._reach_groups):
            return False
        if not reach.reach_sql_available():
            return True
        return reach.queue_anyone_reached(self.batch, self._reach_names, self._reach_groups)

    def add_history(
        self, event: str, *, element_id: str = "", token_id: str | None = None, **data: object
    ) -> dict[str, Any]:
        row = steps.history_row(
            self.instance.pk,
            event,
            element_id=element_id,
            token_id=token_id,
            user=self.user,
            data=data,
            timestamp=self.now,
        )
        self.history.append(row)
        return data

    # One method per effect class, named after it.

    def _RecordHistory(self, effect: fx.RecordHistory) -> None:
        self.add_history(
            effect.event, element_id=effect.element_id, token_id=effect.token_id, **effect.data
        )

    def _CreateUserTask(self, effect: fx.CreateUserTask) -> None:
        values: tuple[Any, ...] = (
            self.instance.pk,
            effect.token_id,
            effect.element_id,
            effect.name,
            effect.documentation,
            UserTask.State.OPEN,
            effect.assignee or "",
            effect.priority if effect.priority is not None else 50,
            _parse_due(effect.due_date, self.now),
            effect.form_key or "",
            self.now,
            None,
            "",
            {},
        )
        # The history row keeps its place in order; its task id is filled in by finish().
        data = self.add_history(
            "task_created",
            element_id=effect.element_id,
            token_id=effect.token_id,
            task_id=None,
            assignee=effect.assignee or "",
            candidate_users=list(effect.candidate_users),
            candidate_groups=list(effect.candidate_groups),
        )
        if effect.assignee:
            self._reach_names.add(effect.assignee)
        else:
            self._reach_names.update(effect.candidate_users)
            self._reach_groups.update(effect.candidate_groups)
        if connection.features.can_return_columns_from_insert:
            self._new_tasks.append((steps.queue_task_insert(self.batch, values), effect, data))
            if self._one_trip:
                steps.queue_candidates_of_open_task(
                    self.batch, effect.token_id, effect.candidate_users, effect.candidate_groups
                )
        else:  # pragma: no cover - SQLite before 3.35 cannot return the new id
            self.batch.run()
            task = UserTask(**dict(zip(steps.TASK_INSERT_COLUMNS, values, strict=True)))
            task.save(force_insert=True)
            self._task_created(task.pk, effect, data)

    def _task_created(
        self,
        task_id: int,
        effect: fx.CreateUserTask,
        data: dict[str, Any],
        *,
        candidates_queued: bool = False,
    ) -> None:
        data["task_id"] = task_id
        self.created_task_ids.append(task_id)
        if not candidates_queued:
            steps.queue_candidates(
                self.batch, task_id, effect.candidate_users, effect.candidate_groups
            )

    def _CancelUserTask(self, effect: fx.CancelUserTask) -> None:
        self.batch.run()
        UserTask.objects.filter(
            instance=self.instance, token_id=effect.token_id, state=UserTask.State.OPEN
        ).update(state=UserTask.State.CANCELLED, completed_at=self.now)

    def _CreateJob(self, effect: fx.CreateJob) -> None:
        self.batch.run()
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
        self.batch.run()
        Job.objects.filter(instance=self.instance, token_id=effect.token_id).delete()

    # Event effects: the rows live in services/events/writer.py.

    def _Subscribe(self, effect: fx.Subscribe) -> None:
        event_writer.subscribe(self, effect)

    def _ScheduleTimer(self, effect: fx.ScheduleTimer) -> None:
        event_writer.schedule_timer(self, effect)

    def _Unsubscribe(self, effect: fx.Unsubscribe) -> None:
        event_writer.unsubscribe(self, effect)

    def _ThrowSignal(self, effect: fx.ThrowSignal) -> None:
        event_writer.throw_signal(self, effect)

    def _SendMessage(self, effect: fx.SendMessage) -> None:
        event_writer.send_message(self, effect)

    def _RaiseIncident(self, effect: fx.RaiseIncident) -> None:
        self.batch.run()
        Incident.objects.create(
            instance=self.instance,
            token_id=effect.token_id,
            element_id=effect.element_id,
            message=effect.message,
            created_at=self.now,
        )
        self.instance.open_incidents += 1

    def _StartCalledInstance(self, effect: fx.StartCalledInstance) -> None:
        """Start the child in this transaction; a child that cannot start (unknown key,
        not executable) parks the call activity with an incident instead."""
        from bpmn_engine.services.calls import call_start, fail_call_token

        self.batch.run()
        message = call_start(parent=self.instance, effect=effect, user=self.user)
        if message is not None:
            fail_call_token(
                self.instance,
                token_id=effect.token_id,
                element_id=effect.element_id,
                message=message,
            )
            self.add_history(
                "incident", element_id=effect.element_id, token_id=effect.token_id, message=message
            )

    def _CancelCalledInstance(self, effect: fx.CancelCalledInstance) -> None:
        from bpmn_engine.services.calls import call_cancel

        self.batch.run()
        call_cancel(
            parent=self.instance, token_id=effect.token_id, reason=effect.reason, user=self.user
        )

    def _ErrorToCaller(self, effect: fx.ErrorToCaller) -> None:
        """Nothing to write: the thrower's incident is the record; ``call_errors`` offers
        the error to the caller after the step."""

    def _EscalateToCaller(self, effect: fx.EscalateToCaller) -> None:
        """Recorded here; delivered to the caller by ``call_escalations`` after the step."""
        self.add_history("escalation_uncaught", element_id=effect.element_id, code=effect.code)

    def _InstanceEnded(self, effect: fx.InstanceEnded) -> None:
        event_writer.instance_ended(self)
        self.instance.state = _ENDED_STATES[effect.outcome]
        self.instance.ended_at = self.now


def _returned_id(result: Result) -> int:
    row = result.first()
    if row is None:  # pragma: no cover - INSERT ... RETURNING always returns its row
        raise RuntimeError("The task INSERT returned no id")
    return int(row[0])


def _parse_due(value: str | None, now: datetime) -> datetime | None:
    """``camunda:dueDate`` is an ISO date-time or an ISO 8601 duration from now (P3D)."""
    if not value:
        return None
    when = parse_datetime(value)
    if when is not None:
        return when
    duration: timedelta | None = parse_duration(value)
    return now + duration if duration is not None else None
