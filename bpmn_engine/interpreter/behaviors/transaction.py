"""Transaction subprocesses: the cancel end event and the cancel boundary event.

A transaction runs like an embedded subprocess (``SubProcessBehavior``). A cancel end
event directly inside it (the parser refuses one elsewhere) first compensates the
transaction's completed activities, last completed first (``compensation.py``), then
ends the transaction and everything still running in it and leaves through the cancel
boundary event attached to it (BPMN 2.0 section 10.3.3). There is no transaction
protocol behind it: "cancel" is compensation plus an interrupting exit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bpmn_engine.interpreter.behaviors.boundary import fire_boundary
from bpmn_engine.interpreter.behaviors.compensation import throw_compensation
from bpmn_engine.interpreter.context import ElementError
from bpmn_engine.interpreter.event_index import event_index
from bpmn_engine.model import BoundaryEvent, CancelEventDefinition, CompensateEventDefinition
from bpmn_engine.model.events import first_definition

if TYPE_CHECKING:
    from bpmn_engine.interpreter.context import Context
    from bpmn_engine.interpreter.state import Token

_ALL = CompensateEventDefinition()
"""Compensate every completed activity of the transaction."""


def _transaction_token(ctx: Context, token: Token) -> Token:
    scope = ctx.state.scopes[token.scope_id]
    holder = ctx.state.tokens.get(scope.token_id or "")
    if holder is None:
        raise ElementError(f"Cancel end event '{token.element_id}' is not inside a transaction")
    return holder


def _cancel_boundary(ctx: Context, activity_id: str) -> BoundaryEvent | None:
    for boundary in event_index(ctx.model).boundaries.get(activity_id, ()):
        if isinstance(first_definition(boundary), CancelEventDefinition):
            return boundary
    return None


def throw_cancel(ctx: Context, token: Token) -> None:
    """The cancel end event: compensate, then ``cancel_transaction`` (now or once the
    compensation handlers finished)."""
    holder = _transaction_token(ctx, token)
    if _cancel_boundary(ctx, holder.element_id) is None:
        raise ElementError(
            f"Cancel end event '{token.element_id}': transaction '{holder.element_id}' has "
            "no cancel boundary event to leave by"
        )
    if not throw_compensation(ctx, token, _ALL, then_cancel=True):
        cancel_transaction(ctx, token)


def cancel_transaction(ctx: Context, token: Token) -> None:
    """End the transaction holding ``token`` and leave by its cancel boundary event."""
    holder = _transaction_token(ctx, token)
    boundary = _cancel_boundary(ctx, holder.element_id)
    if boundary is None:  # checked by ``throw_cancel`` before anything changed
        raise ElementError(f"Transaction '{holder.element_id}' has no cancel boundary event")
    fire_boundary(ctx, holder, boundary)
