"""Throw and end events with a ``compensateEventDefinition`` (see ``compensation.py``),
and cancel end events (see ``transaction.py``).

Registered in place of the plain throwing behaviors: a compensation definition is
handled here, every other event goes to the behavior it extends, unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bpmn_engine.interpreter.behaviors.compensation import throw_compensation
from bpmn_engine.interpreter.behaviors.throw import (
    IntermediateThrowEventBehavior,
    ThrowingEndEventBehavior,
)
from bpmn_engine.interpreter.behaviors.transaction import throw_cancel
from bpmn_engine.model import CancelEventDefinition, CompensateEventDefinition
from bpmn_engine.model.events import first_definition

if TYPE_CHECKING:
    from bpmn_engine.interpreter.context import Context
    from bpmn_engine.interpreter.state import Token


def _compensated(ctx: Context, token: Token) -> bool:
    """True when compensation (or a transaction's cancel) took the token over."""
    definition = first_definition(ctx.node(token))
    if isinstance(definition, CompensateEventDefinition):
        return throw_compensation(ctx, token, definition)
    if isinstance(definition, CancelEventDefinition):
        throw_cancel(ctx, token)
        return True
    return False


class CompensatingThrowEventBehavior(IntermediateThrowEventBehavior):
    __slots__ = ()

    def enter(self, ctx: Context, token: Token) -> None:
        if not _compensated(ctx, token):
            super().enter(ctx, token)


class CompensatingEndEventBehavior(ThrowingEndEventBehavior):
    __slots__ = ()

    def enter(self, ctx: Context, token: Token) -> None:
        if not _compensated(ctx, token):
            super().enter(ctx, token)
