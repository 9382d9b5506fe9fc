"""Events at run time: subscriptions, timers, message correlation and signal broadcast.

The public services are importable from here; they load lazily because the effect
writer (imported by ``services.runtime``) needs ``events.writer`` while these services
need ``services.runtime``.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "ConditionStart": "conditions",
    "conditions_evaluate": "conditions",
    "CorrelationResult": "messages",
    "message_correlate": "messages",
    "SignalDelivery": "signals",
    "signal_broadcast": "signals",
    "instance_start_at_event": "starts",
    "start_events_register": "starts",
    "timer_fire": "timers",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(name)
    return getattr(import_module(f"bpmn_engine.services.events.{module}"), name)
