"""Ending tokens and scopes: the rules every element shares when work stops.

A token ends normally (``end_token``: the last one completes its scope), by a terminate
end event (``terminate``), or is discarded unfinished (``discard_token``: its open task,
job or listeners are closed). ``Context`` (``context.py``) builds on these rules.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from bpmn_engine.interpreter.call_context import NO_DATA, CallContext
from bpmn_engine.interpreter.effects import (
    HISTORY_ELEMENT_CANCELLED,
    HISTORY_INSTANCE_COMPLETED,
    HISTORY_INSTANCE_TERMINATED,
    InstanceEnded,
)
from bpmn_engine.interpreter.state import Token, TokenState

READY = TokenState.READY
WAITING = TokenState.WAITING


def stop_listening(ctx: Any, token: Token) -> None:
    """Close the event listeners of the token's element (see ``behaviors/listen.py``)."""
    from bpmn_engine.interpreter.behaviors.listen import stop_listening as stop

    stop(ctx, token)


def handler_ended(ctx: Any, token: Token) -> bool:
    """Hook: a compensation handler's token ended (``behaviors/compensation.py``)."""
    from bpmn_engine.interpreter.behaviors.compensation import handler_ended as ended

    return ended(ctx, token)


def keep_inner_records(ctx: Any, scope: Any) -> None:
    """Hook: a compensable subprocess completes (``behaviors/compensation_scopes.py``)."""
    from bpmn_engine.interpreter.behaviors.compensation_scopes import keep_inner_records as keep

    keep(ctx, scope)


def adhoc_path_ended(ctx: Any, token: Token) -> bool:
    """Hook: a path inside an ad-hoc subprocess ended (``behaviors/adhoc.py``)."""
    return _adhoc_hook()(ctx, token)


@cache
def _adhoc_hook() -> Callable[[Any, Token], bool]:
    """Imported once, on first use (an import statement per call costs microseconds)."""
    from bpmn_engine.interpreter.behaviors.adhoc import path_ended

    return path_ended


class EndingContext(CallContext):
    """``CallContext`` plus ending tokens and scopes; see the module docstring."""

    __slots__ = ()

    def end_token(self, token: Token) -> None:
        """Consume the token; when it was the last of its scope, the scope completes."""
        state = self.state
        state.remove_token(token.id)
        if handler_ended(self, token):
            return  # a compensation handler ended: the next one runs, or its thrower goes on
        if adhoc_path_ended(self, token):
            return  # the ad-hoc subprocess completes, starts its next activity or waits
        scope_id = token.scope_id
        for other in state.tokens.values():
            if other.scope_id == scope_id:
                return
        self.complete_scope(scope_id, terminated=False)

    def terminate(self, token: Token) -> None:
        """A terminate end event: end every token of the token's scope, nested ones too.

        In the root this ends the instance; in a subprocess only that subprocess ends, and
        its token then leaves it normally.
        """
        self.clear_scope(token.scope_id, reason="terminated")
        self.complete_scope(token.scope_id, terminated=True)

    def complete_scope(self, scope_id: str, *, terminated: bool) -> None:
        """The scope has no tokens left: end the instance, or resume the subprocess token."""
        state = self.state
        scope = state.scopes[scope_id]
        if scope.parent_id is None:
            if terminated:
                event, outcome = HISTORY_INSTANCE_TERMINATED, "terminated"
            else:
                event, outcome = HISTORY_INSTANCE_COMPLETED, "completed"
            self.history(event, element_id=self.model.id, data=NO_DATA)
            self.emit(InstanceEnded(outcome=outcome))
            return
        if scope.element_id in self.tables.compensable:
            keep_inner_records(self, scope)  # the subprocess may be compensated later
        state.remove_scope(scope_id)
        parent = state.tokens[scope.token_id or ""]  # only the root scope has no token
        state.update_token(parent, state=READY, leaving=True)
        self.ready.append(parent)

    def clear_scope(self, scope_id: str, *, reason: str) -> None:
        """Remove every token of the scope and of its nested scopes, cancelling open work.

        The nested scopes themselves are removed too; ``scope_id`` itself stays.
        """
        state = self.state
        for child in [s for s in state.scopes.values() if s.parent_id == scope_id]:
            self.clear_scope(child.id, reason=reason)
            state.remove_scope(child.id)
        for token in [t for t in state.tokens.values() if t.scope_id == scope_id]:
            self.discard_token(token, reason=reason)

    def discard_token(self, token: Token, *, reason: str) -> None:
        """Remove a token that did not finish: close its user task or job, if any."""
        stop_listening(self, token)
        if token.state is WAITING:
            cancel: Callable[[Any, Token, str], None] | None = getattr(
                self.behaviors.get(token.element_id), "cancel", None
            )
            if cancel is not None:
                cancel(self, token, reason)
        if token.state is not READY:
            self.history(HISTORY_ELEMENT_CANCELLED, token)
        self.state.remove_token(token.id)
