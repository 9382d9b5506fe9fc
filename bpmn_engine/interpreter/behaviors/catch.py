"""Catching elements that wait: intermediate catch events, receive tasks, and the
event-based gateway (which waits for the first of the events after it)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bpmn_engine.interpreter.behaviors import io
from bpmn_engine.interpreter.behaviors.listen import listen, stop_listening
from bpmn_engine.interpreter.context import ElementError
from bpmn_engine.interpreter.effects import HISTORY_ELEMENT_STARTED, HISTORY_EVENT_TRIGGERED
from bpmn_engine.model import LinkEventDefinition
from bpmn_engine.model.events import first_definition

if TYPE_CHECKING:
    from bpmn_engine.interpreter.context import Context
    from bpmn_engine.interpreter.state import Token


class CatchEventBehavior:
    """Waits until its timer is due or its message or signal arrives (``trigger``)."""

    __slots__ = ()

    def enter(self, ctx: Context, token: Token) -> None:
        node = ctx.node(token)
        if isinstance(first_definition(node), LinkEventDefinition):
            ctx.pass_through(token)  # reached by a jump from its link throw event
            return
        if not listen(ctx, token, node):
            raise ElementError(f"Catch event '{node.id}' has nothing the engine can wait for")
        ctx.wait(token)

    def trigger(self, ctx: Context, token: Token, variables: Mapping[str, Any]) -> None:
        ctx.history(HISTORY_EVENT_TRIGGERED, token)
        ctx.set_variables(token, variables)
        if ctx.is_loop_instance(token):
            # a looping receive task, or an event with an ioMapping: its token returns
            # to the loop body instead of leaving, so nothing else closes its listener
            stop_listening(ctx, token)
        ctx.pass_through(token)

    def cancel(self, ctx: Context, token: Token, reason: str) -> None:
        """Listeners are closed by ``discard_token``; nothing else is open."""


class ReceiveTaskBehavior(CatchEventBehavior):
    """Waits for its message; an instantiating one is where a new instance starts."""

    __slots__ = ()


class EventBasedGatewayBehavior:
    """Opens the listeners of every event after it; the first to fire wins (``trigger``
    moves the token onto it) and the others are closed with the gateway's listeners."""

    __slots__ = ()

    def enter(self, ctx: Context, token: Token) -> None:
        node = ctx.node(token)
        for flow in ctx.model.outgoing(node.id):
            target = ctx.model.nodes[flow.target_id]
            if not listen(ctx, token, target):
                raise ElementError(
                    f"Event-based gateway '{node.id}' leads to '{target.id}', "
                    "which has nothing the engine can wait for"
                )
        ctx.wait(token)

    def fire(
        self, ctx: Context, token: Token, element_id: str, variables: Mapping[str, Any]
    ) -> None:
        flow = next(f for f in ctx.model.outgoing(token.element_id) if f.target_id == element_id)
        # before anything moves: a failing output mapping leaves the gateway waiting
        outputs = io.event_outputs(ctx, ctx.model.nodes[element_id], token, variables)
        stop_listening(ctx, token)
        ctx.leave(token, [flow])
        ctx.ready.remove(token)
        ctx.history(HISTORY_ELEMENT_STARTED, token)
        ctx.history(HISTORY_EVENT_TRIGGERED, token)
        ctx.set_variables(token, variables)
        ctx.set_variables(token, outputs)
        ctx.pass_through(token)

    def cancel(self, ctx: Context, token: Token, reason: str) -> None:
        """Listeners are closed by ``discard_token``."""
