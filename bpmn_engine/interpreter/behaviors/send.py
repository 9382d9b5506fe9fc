"""Send tasks: the engine sends the message itself, or a handler does (see the model's
``SendTask``).

A message the engine sends leaves as a ``SendMessage`` effect, exactly like a message
throw event: the runtime correlates it by name after the step commits, so the sender
never holds the receiver's lock and a message nobody waits for is reported, not lost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from bpmn_engine.interpreter.behaviors.tasks import ServiceTaskBehavior
from bpmn_engine.interpreter.effects import SendMessage
from bpmn_engine.model import SendTask

if TYPE_CHECKING:
    from bpmn_engine.interpreter.context import Context
    from bpmn_engine.interpreter.state import Token


class SendTaskBehavior(ServiceTaskBehavior):
    """``binding == "message"``: send and go on; any other binding runs as a service task."""

    __slots__ = ()

    def enter(self, ctx: Context, token: Token) -> None:
        node = cast(SendTask, ctx.node(token))
        if node.binding != "message":
            super().enter(ctx, token)
            return
        ctx.emit(SendMessage(name=node.message_name, element_id=node.id))
        ctx.pass_through(token)
