"""Step duration per element type: the interpreter's step observer, as a histogram.

The interpreter (pure Python, no metrics library) tells an installed observer the
element type and duration of each step (``interpreter/step_observers.py``); this module
is that observer. ``install`` runs once when Django starts (``BpmnEngineConfig.ready``).
"""

from __future__ import annotations

from typing import Any

from bpmn_engine.interpreter import step_observers
from bpmn_engine.observability.metrics import ELEMENT_STEP_DURATION

_BY_TYPE: dict[str, Any] = {}
"""The histogram's child per element type: ``labels()`` takes a lock on every call."""


def observe_element_step(element_type: str, seconds: float) -> None:
    child = _BY_TYPE.get(element_type)
    if child is None:
        child = _BY_TYPE[element_type] = ELEMENT_STEP_DURATION.labels(element_type or "unknown")
    child.observe(seconds)


def install() -> None:
    """Report every interpreter's steps to the histogram from now on."""
    step_observers.install(observe_element_step)
