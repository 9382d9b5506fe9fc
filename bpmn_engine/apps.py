from __future__ import annotations

from django.apps import AppConfig


class BpmnEngineConfig(AppConfig):
    name = "bpmn_engine"
    verbose_name = "BPMN engine"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from bpmn_engine import checks  # noqa: F401  (registers the system checks)
        from bpmn_engine.handlers.registry import load_handler_modules
        from bpmn_engine.observability import element_steps

        load_handler_modules()
        element_steps.install()  # step durations per element type, see its docstring
