"""Compensation and transactions: the event definitions and the transaction subprocess.

A ``compensateEventDefinition`` on a boundary event marks its activity as compensable;
``handler`` is the ``isForCompensation`` activity its association points at, resolved by
the parser so the interpreter never needs associations. On a throw or end event it
compensates the completed activities of the thrower's scope, or only ``activity_ref``.
"""

from __future__ import annotations

from dataclasses import dataclass

from bpmn_engine.model.elements import EventDefinition, SubProcess


@dataclass(frozen=True, slots=True, kw_only=True)
class CompensateEventDefinition(EventDefinition):
    activity_ref: str | None = None
    """Throw: compensate only this activity (None: every completed one of the scope)."""
    wait_for_completion: bool = True
    """Throw: the thrower goes on only after the handlers finished (the only mode run)."""
    handler: str | None = None
    """Boundary: the id of the compensation handler activity (by association)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Transaction(SubProcess):
    """A transaction subprocess: runs like an embedded subprocess; a cancel end event
    inside it compensates its completed activities, then leaves by its cancel boundary."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CancelEventDefinition(EventDefinition):
    """A cancel end event (directly in a transaction) or the transaction's cancel
    boundary event."""
