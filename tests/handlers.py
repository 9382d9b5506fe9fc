"""Service-task handlers used by the test diagrams (loaded through BATON_HANDLER_MODULES,
so the real Celery worker processes have them too)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bpmn_engine.handlers import HandlerContext, service_task


@service_task("test-echo")
def echo(context: HandlerContext) -> Mapping[str, Any]:
    return {"echoed": context.variables.get("input"), "echoAttempt": context.attempt}


@service_task("test-flaky")
def flaky(context: HandlerContext) -> Mapping[str, Any]:
    """Fails until the attempt given by the variable ``succeedOnAttempt``."""
    if context.attempt < int(context.variables["succeedOnAttempt"]):
        raise ConnectionError(f"flaky service down (attempt {context.attempt})")
    return {"flakyAttempts": context.attempt}


@service_task("test-fail")
def fail(context: HandlerContext) -> Mapping[str, Any]:
    raise RuntimeError("the payment service said no")
