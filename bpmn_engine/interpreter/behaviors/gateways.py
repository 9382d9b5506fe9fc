"""Exclusive and parallel gateways."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bpmn_engine.interpreter.context import ElementError
from bpmn_engine.interpreter.effects import HISTORY_ELEMENT_COMPLETED
from bpmn_engine.interpreter.state import Token, TokenState
from bpmn_engine.model import FlowNode, SequenceFlow

if TYPE_CHECKING:
    from bpmn_engine.interpreter.context import Context


class ExclusiveGatewayBehavior:
    """Takes the first outgoing flow (document order) whose condition is true.

    A flow without a condition counts as true; the default flow is taken only when no
    other flow is, and no flow at all is an incident. As a join it needs no state: each
    arriving token simply goes on.
    """

    __slots__ = ()

    def enter(self, ctx: Context, token: Token) -> None:
        node = ctx.node(token)
        flows = ctx.model.outgoing(node.id)
        if not flows:
            ctx.leave(token, ())
            return
        chosen = self._choose(ctx, node, flows, token.scope_id)
        if chosen is None:
            raise ElementError(
                f"Exclusive gateway '{node.id}': no condition of its outgoing flows is true "
                "and it has no default flow"
            )
        ctx.leave(token, (chosen,))

    @staticmethod
    def _choose(
        ctx: Context, node: FlowNode, flows: tuple[SequenceFlow, ...], scope_id: str
    ) -> SequenceFlow | None:
        default: SequenceFlow | None = None
        variables: Mapping[str, Any] | None = None
        for flow in flows:
            if flow.id == node.default_flow:
                default = flow
            elif flow.condition is None:
                return flow
            else:
                if variables is None:
                    variables = ctx.variables(scope_id)
                if ctx.condition_holds(flow, variables):
                    return flow
        return default


class ParallelGatewayBehavior:
    """Forks to every outgoing flow (conditions are ignored) and joins incoming ones.

    With more than one incoming flow the gateway joins: an arriving token parks as
    JOINING, and once every incoming flow has a JOINING token at this gateway in the same
    scope, one token per flow (the oldest) is consumed and a single token goes on. Tokens
    are counted per incoming flow, not in total (Camunda counts only the total, which
    lets two tokens on one branch fire the join). Extra tokens on a flow stay for the next
    activation, so a join in a loop works and the state holds only live tokens.
    """

    __slots__ = ()

    def enter(self, ctx: Context, token: Token) -> None:
        node = ctx.node(token)
        if len(node.incoming) > 1 and not self._join(ctx, node, token):
            return
        ctx.leave(token, ctx.model.outgoing(node.id))

    @staticmethod
    def _join(ctx: Context, node: FlowNode, token: Token) -> bool:
        """Park the token; True when the join fires (the token then goes on alone)."""
        state = ctx.state
        # Re-insert the token so that the token dict is in order of arrival at joins:
        # "oldest first" then means first in the dict, which survives save and reload.
        state.tokens[token.id] = state.tokens.pop(token.id)
        state.update_token(token, state=TokenState.JOINING)
        oldest: dict[str | None, Token] = {}
        for other in state.tokens.values():
            if (
                other.state is TokenState.JOINING
                and other.element_id == node.id
                and other.scope_id == token.scope_id
                and other.arrived_via not in oldest
            ):
                oldest[other.arrived_via] = other
        if any(flow_id not in oldest for flow_id in node.incoming):
            return False
        for flow_id in node.incoming:
            other = oldest[flow_id]
            if other is not token:
                ctx.history(HISTORY_ELEMENT_COMPLETED, other)
                state.remove_token(other.id)
        return True
