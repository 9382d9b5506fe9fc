"""Start and end events (none and terminate)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from bpmn_engine.interpreter.behaviors.catch import CatchEventBehavior
from bpmn_engine.interpreter.behaviors.parallel_multiple import is_parallel
from bpmn_engine.interpreter.effects import HISTORY_ELEMENT_COMPLETED
from bpmn_engine.model import EndEvent

if TYPE_CHECKING:
    from bpmn_engine.interpreter.context import Context
    from bpmn_engine.interpreter.state import Token


class StartEventBehavior(CatchEventBehavior):
    """A start event: the token passes straight through.

    The interpreter (or the subprocess behavior) puts the first token here; choosing
    which start event that is happens there, not here. A parallel multiple start event
    (``parallelMultiple``, BPMN 2.0 10.5.2) is the exception: the first of its events
    starts the instance, and the token then waits here, like a parallel catch event,
    until the others have happened too (the runtime delivers the first one right after
    the start, ``services/events/starts.py``).
    """

    __slots__ = ()

    def enter(self, ctx: Context, token: Token) -> None:
        if is_parallel(ctx.node(token)):
            super().enter(ctx, token)
        else:
            ctx.pass_through(token)


class EndEventBehavior:
    """Consumes the token; the last token of a scope completes the scope.

    A terminate end event ends every token of its own scope (and of subprocesses nested
    in it) instead of waiting for them, per BPMN 2.0 section 10.5.3: in the process it
    ends the instance, in an embedded subprocess only that subprocess.
    """

    __slots__ = ()

    def enter(self, ctx: Context, token: Token) -> None:
        node = cast(EndEvent, ctx.node(token))
        ctx.history(HISTORY_ELEMENT_COMPLETED, token)
        if node.event_definitions and node.terminates:
            ctx.terminate(token)
        else:
            ctx.end_token(token)
