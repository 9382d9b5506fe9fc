"""The process-wide step observer: how the runtime learns each step's duration.

The interpreter knows no metrics library; the observability package installs a plain
callable here when Django starts (``observability/element_steps.py``), and every
``Interpreter`` built afterwards without an observer of its own reports to it.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

StepObserver = Callable[[str, float], None]
"""Told after each step: the element type (``userTask``) and the step's seconds. It
must not raise: it runs inside the interpreter call, between the steps."""


class Installed(Enum):
    """``Interpreter(observer=INSTALLED)``, the default: whatever ``install`` set."""

    INSTALLED = "installed"


INSTALLED = Installed.INSTALLED

_installed: list[StepObserver] = []


def install(observer: StepObserver | None) -> None:
    """Make ``observer`` the default of new interpreters (None removes it)."""
    _installed.clear()
    if observer is not None:
        _installed.append(observer)


def installed() -> StepObserver | None:
    return _installed[0] if _installed else None
