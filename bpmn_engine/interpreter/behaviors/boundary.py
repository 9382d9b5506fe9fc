"""Boundary events: firing one, and interrupting the activity it is attached to.

The listeners are opened by ``listen.open_boundaries`` when the activity's token waits;
this module runs when one of them fires (a timer, a message, a signal, a caught error).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bpmn_engine.interpreter.behaviors.base import PassThroughBehavior
from bpmn_engine.interpreter.effects import HISTORY_EVENT_TRIGGERED
from bpmn_engine.interpreter.state import Token, TokenState
from bpmn_engine.model import BoundaryEvent

if TYPE_CHECKING:
    from bpmn_engine.interpreter.context import Context


class BoundaryEventBehavior(PassThroughBehavior):
    """A fired boundary's token only passes through: the firing is done in ``fire``."""

    __slots__ = ()


def interrupt(ctx: Context, token: Token, *, reason: str) -> None:
    """End an activity and everything inside it: nested scopes, their tasks and jobs."""
    state = ctx.state
    for scope in [s for s in state.scopes.values() if s.token_id == token.id]:
        ctx.clear_scope(scope.id, reason=reason)
        state.remove_scope(scope.id)
    ctx.discard_token(token, reason=reason)


def fire_boundary(
    ctx: Context,
    activity_token: Token,
    boundary: BoundaryEvent,
    variables: Mapping[str, Any] | None = None,
) -> Token:
    """Start a token on the boundary event; an interrupting one first ends the activity."""
    ctx.history(
        HISTORY_EVENT_TRIGGERED,
        activity_token,
        element_id=boundary.id,
        data={"activity": boundary.attached_to, "interrupting": boundary.cancel_activity},
    )
    if boundary.cancel_activity:
        interrupt(ctx, activity_token, reason=f"interrupted by '{boundary.id}'")
    token = ctx.state.add_token(
        Token(
            id=ctx.new_id(),
            element_id=boundary.id,
            scope_id=activity_token.scope_id,
            state=TokenState.READY,
        )
    )
    if variables:
        ctx.set_variables(token, variables)
    ctx.ready.append(token)
    return token
