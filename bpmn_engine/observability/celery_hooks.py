"""Celery signal handlers: carry the trace context from the publisher (an API request,
a step's ``on_commit``) through the message headers to the worker, and open a span for
the task there, so the handler's job span and the step it makes hang under the request.

Connected by ``config.celery``; nothing here imports Django models, because the Celery
app is built before Django is set up.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from typing import Any

from celery import signals
from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.propagators.textmap import Getter

from bpmn_engine.observability import tracing

_ACTIVE = "_baton_otel"


class _RequestGetter(Getter[Any]):
    """Reads a propagated header from a task request: a worker puts message headers on
    the request itself, an eager ``apply(headers=...)`` keeps them in ``headers``."""

    def get(self, carrier: Any, key: str) -> list[str] | None:
        value = getattr(carrier, key, None)
        if value is None:
            value = (getattr(carrier, "headers", None) or {}).get(key)
        return [value] if isinstance(value, str) else None

    def keys(self, carrier: Any) -> list[str]:
        return list(getattr(carrier, "headers", None) or {})


def inject_headers(headers: MutableMapping[str, Any] | None = None, **_: Any) -> None:
    """``before_task_publish``: write the current trace context into the message."""
    if headers is not None:
        propagate.inject(headers)


def start_task_span(task: Any = None, task_id: str = "", **_: Any) -> None:
    """``task_prerun``: continue the publisher's trace in a span for this task."""
    if task is None:
        return
    parent = propagate.extract(task.request, getter=_RequestGetter())
    span = tracing.tracer().start_span(
        f"celery.run {task.name}",
        context=parent,
        kind=trace.SpanKind.CONSUMER,
        attributes={"celery.task_id": task_id or "", "celery.task_name": task.name},
    )
    token = otel_context.attach(trace.set_span_in_context(span, parent))
    setattr(task.request, _ACTIVE, (span, token))


def end_task_span(task: Any = None, state: str | None = None, **_: Any) -> None:
    """``task_postrun``: close the task's span and restore the worker's context."""
    active = getattr(task.request, _ACTIVE, None) if task is not None else None
    if active is None:
        return
    span, token = active
    if state:
        span.set_attribute("celery.state", state)
    span.end()
    otel_context.detach(token)
    setattr(task.request, _ACTIVE, None)


def forget_parent_tracer(**_: Any) -> None:
    """``worker_process_init``: a forked pool process builds its own exporter threads."""
    tracing.reset()


def mark_process_dead(pid: int | None = None, **_: Any) -> None:
    """``worker_process_shutdown``: drop a dead process's live gauges (multiprocess)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid or os.getpid())  # type: ignore[no-untyped-call]


def connect() -> None:
    """Connect the handlers (weak=False: they are module functions, kept anyway)."""
    signals.before_task_publish.connect(inject_headers, weak=False)
    signals.task_prerun.connect(start_task_span, weak=False)
    signals.task_postrun.connect(end_task_span, weak=False)
    signals.worker_process_init.connect(forget_parent_tracer, weak=False)
    signals.worker_process_shutdown.connect(mark_process_dead, weak=False)
