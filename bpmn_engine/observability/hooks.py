"""The calls the runtime services make: one ``with`` around each step, each handler call
and each instance start. Everything observable about them is decided here, so the
services carry one line each and the hot path stays as fast as the tracer allows.

Counters (started, ended, incidents) are incremented when the step itself succeeded,
not in ``transaction.on_commit``: a callback per step would cost the hot path, and
tests count the on-commit callbacks a step queues. A step that raises counts nothing;
only a caller's rollback after a successful step would over-count, which is rare.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import Token
from datetime import datetime
from time import perf_counter
from types import TracebackType
from typing import TYPE_CHECKING, Any

from prometheus_client import Histogram

from bpmn_engine.observability import metrics
from bpmn_engine.observability.context import Subject, bound, current, enter, leave
from bpmn_engine.observability.tracing import enabled, span, span_attributes

if TYPE_CHECKING:
    from bpmn_engine.handlers.registry import HandlerContext
    from bpmn_engine.models import ProcessInstance

_ENDED = ("completed", "terminated", "cancelled")
_STEP_HISTOGRAMS: dict[tuple[str, str], Histogram] = {}


def step_kind(action: Callable[..., Any] | str) -> str:
    """The service that made the step: ``task_complete`` for a lambda or closure
    defined in ``task_complete`` or ``task_complete_step`` (a bounded label set: it
    comes from the code, not from data)."""
    if isinstance(action, str):
        return action
    name = str(getattr(action, "__qualname__", type(action).__name__))
    return name.split(".<locals>", 1)[0].removesuffix("_step")


def process_key(instance: ProcessInstance) -> str:
    """The BPMN process id, from the cached model (no query on a step)."""
    from bpmn_engine.services.models_cache import definition_model

    return definition_model(instance.definition_id).id


class StepObserved:
    """Around one step: a span linked to the instance anchor, the instance on log
    lines, the duration histogram, and the counters of what the step ended or broke.

    A class rather than a generator context manager because it runs on every step:
    with no exporter it costs a contextvar set/reset and one histogram observation.
    """

    def __init__(self, instance: ProcessInstance, kind: str) -> None:
        self.instance, self.kind = instance, kind
        self.process = process_key(instance)
        self.state, self.incidents = instance.state, instance.open_incidents
        self.span: AbstractContextManager[Any] | None = None
        self.token: Token[Subject] | None = None
        self.started = 0.0

    def __enter__(self) -> None:
        instance, outer = self.instance, current()
        self.token = enter(
            Subject(instance.pk, instance.business_key, self.process, outer.job_id, outer.topic)
        )
        if enabled():
            attributes = span_attributes(
                instance_id=instance.pk,
                business_key=instance.business_key,
                process_key=self.process,
                step_kind=self.kind,
            )
            self.span = span(f"baton.step {self.kind}", instance.pk, attributes)
            self.span.__enter__()
        self.started = perf_counter()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        elapsed = perf_counter() - self.started
        try:
            if self.span is not None:
                self.span.__exit__(exc_type, exc, traceback)
        finally:
            if self.token is not None:
                leave(self.token)
        if exc_type is None:
            _step_histogram(self.process, self.kind).observe(elapsed)
            _count_outcome(self.instance, self.process, self.state, self.incidents)


class StartObserved(StepObserved):
    """Around the first step of a new instance: a step, plus the started counter."""

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        super().__exit__(exc_type, exc, traceback)
        if exc_type is None:
            metrics.INSTANCES_STARTED.labels(self.process).inc()


def step_observed(instance: ProcessInstance, action: Callable[..., Any] | str) -> StepObserved:
    return StepObserved(instance, step_kind(action))


def start_observed(instance: ProcessInstance) -> StartObserved:
    return StartObserved(instance, "instance_start")


def _step_histogram(process: str, kind: str) -> Histogram:
    """The labelled child, cached: ``labels()`` takes a lock and builds a key each time."""
    child = _STEP_HISTOGRAMS.get((process, kind))
    if child is None:
        child = _STEP_HISTOGRAMS[(process, kind)] = metrics.STEP_DURATION.labels(process, kind)
    return child


def _count_outcome(instance: ProcessInstance, process: str, state: str, incidents: int) -> None:
    if instance.state != state and instance.state in _ENDED:
        metrics.INSTANCES_ENDED.labels(process, instance.state).inc()
        if instance.state == "completed":
            metrics.INSTANCES_COMPLETED.labels(process).inc()
    raised = instance.open_incidents - incidents
    if raised > 0:
        metrics.INSTANCES_FAILED.labels(process).inc(raised)


@contextmanager
def job_observed(context: HandlerContext) -> Iterator[None]:
    """Around a handler call in the worker: a span, the job on log lines, the duration
    per topic, and a failure count when the handler raises (re-raised untouched)."""
    subject = Subject(context.instance_id, context.business_key, "", context.job_id, context.topic)
    attributes = span_attributes(
        instance_id=context.instance_id,
        business_key=context.business_key,
        job_id=context.job_id,
        topic=context.topic,
        element_id=context.element_id,
        attempt=context.attempt,
    )
    started = perf_counter()
    with bound(subject), span(f"baton.job {context.topic}", context.instance_id, attributes):
        try:
            yield
        except Exception:
            metrics.JOB_FAILURES.labels(context.topic).inc()
            _count_last_attempt(context)
            raise
        finally:
            metrics.JOB_DURATION.labels(context.topic).observe(perf_counter() - started)


def _count_last_attempt(context: HandlerContext) -> None:
    """A failure on the last attempt becomes an incident (``job_fail``): count the
    instance as failed. One small read, on the failure path only."""
    from bpmn_engine.models import Job

    row = (
        Job.objects.filter(pk=context.job_id)
        .values_list("max_attempts", "instance__definition__key")
        .first()
    )
    if row is not None and context.attempt >= row[0]:
        metrics.INSTANCES_FAILED.labels(row[1]).inc()


def timer_fired(job: Any, fired_at: datetime) -> None:
    """For the timer service: record how late a timer job fired (``due_at`` vs now).
    Ignores anything that is not a timer job, so it may be called for every job."""
    if getattr(job, "kind", None) != "timer" or getattr(job, "due_at", None) is None:
        return
    metrics.TIMER_LATENESS.observe(max((fired_at - job.due_at).total_seconds(), 0.0))
