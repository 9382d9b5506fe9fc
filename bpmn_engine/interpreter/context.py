"""What a behavior gets while its element runs.

One ``Context`` lives for one interpreter call (start, complete, retry, cancel, run). It
holds the model, the instance state, the effects emitted so far and the queue of READY
tokens, plus the rules every element shares: reading variables, evaluating the
conditions of outgoing flows, leaving a node, and ending tokens and scopes. Behaviors stay
small because everything they have in common lives here.
"""

from __future__ import annotations

from collections import ChainMap, deque
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from bpmn_engine.interpreter import compiled
from bpmn_engine.interpreter.effects import (
    HISTORY_ELEMENT_CANCELLED,
    HISTORY_ELEMENT_COMPLETED,
    HISTORY_INSTANCE_COMPLETED,
    HISTORY_INSTANCE_TERMINATED,
    HISTORY_VARIABLES_SET,
    Effect,
    InstanceEnded,
    RecordHistory,
)
from bpmn_engine.interpreter.expressions import ExpressionError
from bpmn_engine.interpreter.limits import Limits
from bpmn_engine.interpreter.state import InstanceState, Token, TokenState
from bpmn_engine.model import FlowNode, ProcessModel, SequenceFlow

if TYPE_CHECKING:
    from bpmn_engine.interpreter.behaviors.base import Behavior
    from bpmn_engine.interpreter.conditions import ConditionWatch
    from bpmn_engine.interpreter.decisions import DecisionResolver

NO_DATA: Mapping[str, Any] = MappingProxyType({})


def stop_listening(ctx: Context, token: Token) -> None:
    """Close the event listeners of the token's element (see ``behaviors/listen.py``)."""
    from bpmn_engine.interpreter.behaviors.listen import stop_listening as stop

    stop(ctx, token)


def record_completion(ctx: Context, token: Token) -> None:
    """Hook: remember a completed compensable activity (``behaviors/compensation.py``)."""
    from bpmn_engine.interpreter.behaviors.compensation import record_completion as record

    record(ctx, token)


def handler_ended(ctx: Context, token: Token) -> bool:
    """Hook: a compensation handler's token ended (``behaviors/compensation.py``)."""
    from bpmn_engine.interpreter.behaviors.compensation import handler_ended as ended

    return ended(ctx, token)


READY = TokenState.READY
WAITING = TokenState.WAITING


class ElementError(Exception):
    """The element cannot go on: its token parks as FAILED and an incident opens.

    Behaviors raise it for errors in the diagram or in the instance's data (a failing
    condition, no matching flow, a script result that is too big). The interpreter
    catches it, so it never reaches the runtime. Behaviors raise it *before* they change
    the state, so a failed token is always left exactly where it was.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Context:
    """The toolbox of one interpreter call; see the module docstring."""

    __slots__ = (
        "model",
        "state",
        "limits",
        "new_id",
        "behaviors",
        "node_data",
        "effects",
        "ready",
        "decisions",
        "condition_watch",
    )

    def __init__(
        self,
        model: ProcessModel,
        state: InstanceState,
        *,
        limits: Limits,
        new_id: Callable[[], str],
        behaviors: Mapping[str, Behavior],
        node_data: Mapping[str, Mapping[str, Any]],
        decisions: DecisionResolver | None = None,
    ) -> None:
        self.model = model
        self.state = state
        self.limits = limits
        self.new_id = new_id
        self.behaviors = behaviors
        """The behavior of every node, by node id (resolved once per interpreter)."""
        self.node_data = node_data
        """History data of every node (its type and name), by node id."""
        self.decisions = decisions
        """Finds DMN decisions for business rule tasks (None: no decisions available)."""
        self.effects: list[Effect] = []
        self.ready: deque[Token] = deque()
        self.condition_watch: ConditionWatch | None = None
        """Set by the interpreter for models with conditional events (``conditions.py``)."""

    # --- effects --------------------------------------------------------------------------

    def emit(self, effect: Effect) -> None:
        self.effects.append(effect)

    def history(
        self,
        event: str,
        token: Token | None = None,
        *,
        element_id: str | None = None,
        data: Mapping[str, Any] | None = None,
    ) -> None:
        """Record one history row; element data (type and name) is added for tokens."""
        if element_id is None:
            element_id = token.element_id if token is not None else ""
        if data is None:
            data = self.node_data.get(element_id, NO_DATA)
        self.effects.append(
            RecordHistory(
                event=event,
                element_id=element_id,
                token_id=token.id if token is not None else "",
                data=data,
            )
        )

    # --- nodes and variables ----------------------------------------------------------------

    def node(self, token: Token) -> FlowNode:
        return self.model.nodes[token.element_id]

    def variables(self, scope_id: str) -> Mapping[str, Any]:
        """The variables visible from a scope, inner scopes first. Read-only, not a copy."""
        scope = self.state.scopes[scope_id]
        if scope.parent_id is None:
            return scope.variables
        return ChainMap(*(s.variables for s in self.state.scope_chain(scope_id)))

    def set_variables(
        self, token: Token, values: Mapping[str, Any], *, local: bool = False
    ) -> None:
        """Write from the token's scope with Camunda's rule and record the names written."""
        if not values:
            return
        self.state.set_variables(token.scope_id, values, local=local)
        self.history(HISTORY_VARIABLES_SET, token, data={"names": list(values)})

    def condition_holds(self, flow: SequenceFlow, variables: Mapping[str, Any]) -> bool:
        """Evaluate a flow's condition; anything but exactly True or False is an error."""
        try:
            result = compiled.expression(flow.condition or "").evaluate(variables)
        except ExpressionError as error:
            raise ElementError(f"Condition of flow '{flow.id}' failed: {error.message}") from None
        if result is True or result is False:
            return result
        raise ElementError(
            f"Condition of flow '{flow.id}' must be true or false, "
            f"not {type(result).__name__} {result!r:.80}"
        )

    # --- leaving a node -----------------------------------------------------------------------

    def taken_flows(self, token: Token) -> list[SequenceFlow]:
        """The outgoing flows a token takes when it leaves its node the usual way.

        Flows without a condition are always taken; a conditional flow is taken when its
        condition is True; the default flow only when no conditional flow was true. Every
        condition is evaluated here, before any token moves.
        """
        node = self.model.nodes[token.element_id]
        flows = self.model.outgoing(node.id)
        default_id = node.default_flow
        if default_id is None and all(f.condition is None for f in flows):
            return list(flows)
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
        stop_listening(self, token)
        if self.is_loop_instance(token):
            self.finish_loop_instance(token)
            return
        self.history(HISTORY_ELEMENT_COMPLETED, token)
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
                state.add_token(
                    Token(
                        id=self.new_id(),
                        element_id=flow.target_id,
                        scope_id=token.scope_id,
                        state=READY,
                        arrived_via=flow.id,
                    )
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
        self.state.update_token(token, state=WAITING)

    # --- ending tokens and scopes ------------------------------------------------------------

    def end_token(self, token: Token) -> None:
        """Consume the token; when it was the last of its scope, the scope completes."""
        state = self.state
        state.remove_token(token.id)
        if handler_ended(self, token):
            return  # a compensation handler ended: the next one runs, or its thrower goes on
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
            cancel: Callable[[Context, Token, str], None] | None = getattr(
                self.behaviors.get(token.element_id), "cancel", None
            )
            if cancel is not None:
                cancel(self, token, reason)
        if token.state is not READY:
            self.history(HISTORY_ELEMENT_CANCELLED, token)
        self.state.remove_token(token.id)
