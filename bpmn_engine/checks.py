"""System checks: a broken handler path or shipped diagram fails ``manage.py check``."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from bpmn_engine.conf import engine_setting


@register()
def check_handler_modules(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for module in engine_setting("HANDLER_MODULES"):
        try:
            importlib.import_module(module)
        except ImportError as exc:
            errors.append(
                Error(f"Handler module {module!r} does not import: {exc}", id="bpmn_engine.E001")
            )
    return errors


@register()
def check_shipped_diagrams(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    from bpmn_engine.parser import BpmnParseError, parse_bpmn

    errors: list[CheckMessage] = []
    for path in sorted((Path(settings.BASE_DIR) / "diagrams").glob("*.bpmn")):
        try:
            parse_bpmn(path.read_bytes(), filename=path.name)
        except BpmnParseError as exc:
            errors.append(Error(str(exc), obj=path.name, id="bpmn_engine.E002"))
    return errors
