"""What a behavior gets while its element runs: the ``Context``.

One ``Context`` lives for one interpreter call (start, complete, retry, cancel, run). It
holds the model, the instance state, the effects emitted so far and the queue of READY
tokens, plus the rules every element shares, so behaviors stay small. The rules are in
three layers: recording effects, variables and conditions (``call_context.py``), ending
tokens and scopes (``scope_endings.py``), and here, leaving a node along its flows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from bpmn_engine.interpreter.call_context import NO_DATA
from bpmn_engine.interpreter.effects import HISTORY_ELEMENT_COMPLETED, history_record
from bpmn_engine.interpreter.element_error import ElementError
from bpmn_engine.interpreter.scope_endings import EndingContext, handler_ended, stop_listening
from bpmn_engine.interpreter.state import Token, TokenState
from bpmn_engine.model import SequenceFlow

__all__ = ["NO_DATA", "Context", "ElementError", "handler_ended", "stop_listening"]

READY = TokenState.READY
WAITING = TokenState.WAITING


def record_completion(ctx: Context, token: Token) -> None:
    """Hook: remember a completed compensable activity (``behaviors/compensation.py``)."""
    from bpmn_engine.interpreter.behaviors.compensation import record_completion as record

    record(ctx, token)


class Context(EndingContext):
    """The toolbox of one interpreter call; see the module docstring."""

    __slots__ = ()

    # --- leaving a node -----------------------------------------------------------------------

    def taken_flows(self, token: Token) -> list[SequenceFlow]:
        """The outgoing flows a token takes when it leaves its node the usual way.

        Flows without a condition are always taken; a conditional flow is taken when its
        condition is True; the default flow only when no conditional flow was true. Every
        condition is evaluated here, before any token moves.
        """
        unconditional = self.tables.unconditional.get(token.element_id)
        if unconditional is not None:
            return list(unconditional)  # no condition to evaluate, no default flow
        node = self.model.nodes[token.element_id]
        flows = self.model.outgoing(node.id)
        default_id = node.default_flow
        variables: Mapping[str, Any] | None = None
        taken: list[SequenceFlow] = []
        any_true = False
        for flow in flows:
            if flow.id == default_id:
                continue
            if flow.condition is None:
                taken.append(flow)
                continue
            if variables is None:
                variables = self.variables(token.scope_id)
            if self.condition_holds(flow, variables):
                taken.append(flow)
                any_true = True
        if default_id is not None and not any_true:
            taken = [f for f in flows if f.id == default_id or f in taken]
        return taken

    def pass_through(self, token: Token) -> None:
        """The element's work is done: take the outgoing flows (see ``taken_flows``).

        The token is marked ``leaving`` first, so when a condition fails the FAILED token
        remembers that only the leaving is left to retry.
        """
        if self.is_loop_instance(token):
            self.finish_loop_instance(token)
            return
        token.leaving = True
        self.leave(token, self.taken_flows(token))

    def leave(self, token: Token, flows: Sequence[SequenceFlow]) -> None:
        """Move the token along the chosen flows: one token per flow (an implicit split).

        The first flow reuses the token (and its id), the others get new tokens. No flow at
        all consumes the token as an end event would (an implicit end).
        """
        element_id = token.element_id
        tables = self.tables
        if element_id in tables.listening:  # the hooks' own test, looked up once per model
            stop_listening(self, token)
        if self.is_loop_instance(token):
            self.finish_loop_instance(token)
            return
        self.effects.append(  # ``history`` written out: this runs for every element
            history_record(
                HISTORY_ELEMENT_COMPLETED,
                element_id,
                token.id,
                self.node_data.get(element_id, NO_DATA),
            )
        )
        if element_id in tables.compensable:
            record_completion(self, token)
        if not flows:
            self.end_token(token)
            return
        state = self.state
        first = flows[0]
        token.element_id = first.target_id
        token.arrived_via = first.id
        token.state = READY
        token.leaving = False
        state.changes.tokens_saved.add(token.id)
        self.ready.append(token)
        for flow in flows[1:]:
            self.ready.append(
                state.add_token(  # Token(id, element_id, scope_id, state, arrived_via)
                    Token(self.new_id(), flow.target_id, token.scope_id, READY, flow.id)
                )
            )

    def is_loop_instance(self, token: Token) -> bool:
        """Whether the token runs one instance of a looping activity.

        Such a token sits in an instance scope opened for its own element (see
        ``behaviors/loop_body.py``); no other token's scope belongs to its own element.
        """
        return self.state.scopes[token.scope_id].element_id == token.element_id

    def finish_loop_instance(self, token: Token) -> None:
        """Hook: a loop instance leaves into its loop body, not the outgoing flows."""
        done: Callable[[Context, Token], None] | None = getattr(
            self.behaviors[token.element_id], "instance_done", None
        )
        if done is None:
            raise ElementError(f"Element '{token.element_id}' has no loop to return to")
        record_completion(self, token)  # before: the loop may remove the instance scope
        done(self, token)

    def wait(self, token: Token) -> None:
        """Park the token at a wait state until ``Interpreter.complete``."""
        token.state = WAITING
        self.state.changes.tokens_saved.add(token.id)
