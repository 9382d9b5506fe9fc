"""Event subprocesses (``triggeredByEvent``): started inside a running scope by their
start event's trigger, not by a flow.

An interrupting start ends everything else in the scope first (and closes the scope's
other event-subprocess listeners); a non-interrupting one runs alongside. Either way the
event subprocess gets a token IN_SCOPE in the enclosing scope and its own child scope;
when that child scope completes the token ends, and with it, possibly, the enclosing scope.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bpmn_engine.interpreter.behaviors.listen import open_event_subprocesses
from bpmn_engine.interpreter.behaviors.subprocess import (
    SubProcessBehavior,
    data_object_variables,
)
from bpmn_engine.interpreter.context import ElementError
from bpmn_engine.interpreter.effects import HISTORY_EVENT_TRIGGERED, Unsubscribe
from bpmn_engine.interpreter.event_index import event_index
from bpmn_engine.interpreter.state import Scope, Token, TokenState
from bpmn_engine.model import EventDefinition, StartEvent
from bpmn_engine.model.events import first_definition

if TYPE_CHECKING:
    from bpmn_engine.interpreter.context import Context


class EventSubProcessBehavior(SubProcessBehavior):
    """Never entered by a flow (validation forbids incoming flows); see the module doc."""

    __slots__ = ()

    def enter(self, ctx: Context, token: Token) -> None:
        raise ElementError(f"Event subprocess '{token.element_id}' cannot be entered by a flow")


def start_event_subprocess(
    ctx: Context, scope: Scope, start: StartEvent, variables: Mapping[str, Any]
) -> None:
    state = ctx.state
    esp_id = start.scope_id
    ctx.history(
        HISTORY_EVENT_TRIGGERED,
        element_id=start.id,
        data={"event_subprocess": esp_id, "interrupting": start.interrupting},
    )
    if start.interrupting:
        ctx.emit(Unsubscribe(token_id=scope.id))
        ctx.clear_scope(scope.id, reason=f"interrupted by '{start.id}'")
    holder = state.add_token(
        Token(id=ctx.new_id(), element_id=esp_id, scope_id=scope.id, state=TokenState.IN_SCOPE)
    )
    locals_ = data_object_variables(ctx.model.node(esp_id))
    child = state.add_scope(
        Scope(
            id=ctx.new_id(),
            element_id=esp_id,
            parent_id=scope.id,
            token_id=holder.id,
            variables=locals_,
        )
    )
    token = state.add_token(
        Token(id=ctx.new_id(), element_id=start.id, scope_id=child.id, state=TokenState.READY)
    )
    if variables:
        ctx.set_variables(token, variables)
    open_event_subprocesses(ctx, child)
    ctx.ready.append(token)


def event_start_for(
    ctx: Context, scope: Scope, kind: type[EventDefinition], code: str | None
) -> StartEvent | None:
    """The error/escalation start of an event subprocess of ``scope`` catching ``code``:
    one naming the code wins over a catch-all."""
    catch_all: StartEvent | None = None
    for start in event_index(ctx.model).event_starts.get(scope.element_id, ()):
        definition = first_definition(start)
        if not isinstance(definition, kind):
            continue
        own = getattr(definition, "error_code", None) or getattr(
            definition, "escalation_code", None
        )
        if own is None:
            catch_all = catch_all or start
        elif own == code:
            return start
    return catch_all
