"""Service-task handlers: Python functions that Celery workers run for a topic."""

from bpmn_engine.handlers.registry import (
    BpmnError,
    HandlerContext,
    get_handler,
    service_task,
)

__all__ = ["BpmnError", "HandlerContext", "get_handler", "service_task"]
