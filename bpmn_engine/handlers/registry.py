"""The ``@service_task("topic")`` registry.

A handler gets a read-only view of the instance's variables and returns the variables to
merge (or None). It runs outside any database lock, possibly twice (Celery redelivers),
so ``HandlerContext.idempotency_key`` is stable across attempts of the same job for
handlers with external effects.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bpmn_engine.conf import engine_setting


@dataclass(frozen=True, slots=True)
class HandlerContext:
    instance_id: int
    business_key: str
    element_id: str
    topic: str
    job_id: int
    attempt: int
    variables: Mapping[str, Any]

    @property
    def idempotency_key(self) -> str:
        return f"baton-job-{self.job_id}"


Handler = Callable[[HandlerContext], Mapping[str, Any] | None]


class BpmnError(Exception):
    """Raised by a handler to signal a business error (caught by error boundary events)."""

    def __init__(self, code: str, message: str = "") -> None:
        self.code = code
        super().__init__(message or code)


_HANDLERS: dict[str, Handler] = {}


def service_task(topic: str) -> Callable[[Handler], Handler]:
    """Register ``fn`` as the handler of ``topic`` (a topic, Zeebe type or bound name)."""

    def register(fn: Handler) -> Handler:
        existing = _HANDLERS.get(topic)
        if existing is not None and existing is not fn:
            raise ValueError(f"Topic {topic!r} already has a handler: {existing.__qualname__}")
        _HANDLERS[topic] = fn
        return fn

    return register


def resolve_topic(topic: str) -> str:
    """Map a ``camunda:class`` / ``delegateExpression`` text to its handler name."""
    bindings: Mapping[str, str] = engine_setting("SERVICE_BINDINGS")
    return bindings.get(topic, topic)


def get_handler(topic: str) -> Handler | None:
    return _HANDLERS.get(resolve_topic(topic))


def load_handler_modules() -> None:
    for module in engine_setting("HANDLER_MODULES"):
        importlib.import_module(module)
