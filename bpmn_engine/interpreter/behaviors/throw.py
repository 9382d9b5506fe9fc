"""Throwing events: intermediate throw (none, message, signal) and end events with an
error, message or signal definition (none and terminate ends stay in ``events.py``).

Messages and signals leave the instance as effects: the runtime delivers them after the
step, so the thrower never holds another instance's lock.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from bpmn_engine.interpreter.behaviors.errors import throw_error
from bpmn_engine.interpreter.behaviors.escalations import throw_escalation
from bpmn_engine.interpreter.behaviors.events import EndEventBehavior
from bpmn_engine.interpreter.behaviors.signals import deliver_signal
from bpmn_engine.interpreter.context import ElementError
from bpmn_engine.interpreter.effects import HISTORY_ELEMENT_COMPLETED, SendMessage, ThrowSignal
from bpmn_engine.model import (
    EndEvent,
    ErrorEventDefinition,
    EscalationEventDefinition,
    EventDefinition,
    FlowNode,
    IntermediateCatchEvent,
    LinkEventDefinition,
    MessageEventDefinition,
    SignalEventDefinition,
)
from bpmn_engine.model.events import first_definition

if TYPE_CHECKING:
    from bpmn_engine.interpreter.context import Context
    from bpmn_engine.interpreter.state import Token


def _emit_throw(
    ctx: Context, token: Token, node: FlowNode, definition: EventDefinition | None
) -> None:
    if isinstance(definition, SignalEventDefinition):
        ctx.emit(ThrowSignal(name=definition.signal_name, element_id=node.id))
        deliver_signal(ctx, definition.signal_name)
    elif isinstance(definition, MessageEventDefinition):
        ctx.emit(SendMessage(name=definition.message_name, element_id=node.id))


class IntermediateThrowEventBehavior:
    """None, message, signal and escalation throws go on; a link throw jumps to the
    link catch event of the same name in its scope."""

    __slots__ = ()

    def enter(self, ctx: Context, token: Token) -> None:
        node = ctx.node(token)
        definition = first_definition(node)
        if isinstance(definition, LinkEventDefinition):
            jump_to_link(ctx, token, definition.link_name)
            return
        if isinstance(definition, EscalationEventDefinition):
            if throw_escalation(ctx, token, definition.escalation_code):
                return  # an interrupting catch ended the thrower's scope
        _emit_throw(ctx, token, node, definition)
        definitions: tuple[EventDefinition, ...] = getattr(node, "event_definitions", ())
        for each in definitions[1:]:
            _emit_throw(ctx, token, node, each)  # events2: a multiple throw throws them all
        if ctx.state.tokens.get(token.id) is token:  # not interrupted by its own signal
            ctx.pass_through(token)


def jump_to_link(ctx: Context, token: Token, name: str) -> None:
    """Continue at the link catch event named ``name`` in the token's scope."""
    node = ctx.node(token)
    for target in ctx.model.children(node.scope_id):
        definition = first_definition(target)
        if isinstance(definition, LinkEventDefinition) and target.id != node.id:
            if definition.link_name == name and isinstance(target, IntermediateCatchEvent):
                ctx.history(HISTORY_ELEMENT_COMPLETED, token)
                ctx.state.update_token(token, element_id=target.id, arrived_via=None)
                ctx.ready.append(token)
                return
    raise ElementError(f"Link '{name}' thrown by '{node.id}' has no link catch event")


class ThrowingEndEventBehavior(EndEventBehavior):
    """An end event: error ends are routed to their catcher; message and signal ends
    send their event, then end the token like a none end event."""

    __slots__ = ()

    def enter(self, ctx: Context, token: Token) -> None:
        node = cast(EndEvent, ctx.node(token))
        definition = first_definition(node)
        if isinstance(definition, ErrorEventDefinition):
            throw_error(ctx, token, definition.error_code, message=definition.error_message)
            ctx.history(HISTORY_ELEMENT_COMPLETED, element_id=node.id)
            return
        if isinstance(definition, EscalationEventDefinition):
            if throw_escalation(ctx, token, definition.escalation_code):
                ctx.history(HISTORY_ELEMENT_COMPLETED, element_id=node.id)
                return
        _emit_throw(ctx, token, node, definition)
        if ctx.state.tokens.get(token.id) is token:  # not interrupted by its own signal
            super().enter(ctx, token)
