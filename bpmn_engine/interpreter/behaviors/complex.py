"""Complex gateways (BPMN 2.0 section 13.4.5).

As a fork it behaves like an inclusive gateway. As a join it fires as soon as its
``activationCondition`` holds for the tokens waiting so far; the condition sees the
scope's variables plus ``activationCount`` (also spelled ``_activationCount``), the
number of tokens waiting at the gateway. Without a condition it fires on the first
token, the discriminator pattern.

After firing, the gateway "waits for reset": tokens of the same round that arrive later
are consumed without firing again. While tokens that can still arrive exist (upstream
reachability, see ``behaviors/inclusive.py``), a *reset marker* stays at the gateway: a
JOINING token whose ``arrived_via`` is the gateway's own id rather than a flow. The
marker is removed when nothing can reach the gateway any more, so the state holds one
token per waiting gateway, not a history of arrivals.
"""

from __future__ import annotations

from collections import ChainMap
from typing import TYPE_CHECKING, cast

from bpmn_engine.interpreter.behaviors.inclusive import (
    blocked,
    consume,
    fork_flows,
    park,
    waiting,
)
from bpmn_engine.interpreter.behaviors.loop_body import condition
from bpmn_engine.interpreter.state import Token, TokenState
from bpmn_engine.model import ComplexGateway, FlowNode

if TYPE_CHECKING:
    from bpmn_engine.interpreter.context import Context


def _marker(ctx: Context, node: FlowNode, scope_id: str) -> Token | None:
    for token in waiting(ctx, node, scope_id):
        if token.arrived_via == node.id:
            return token
    return None


def reset(ctx: Context, node: FlowNode, scope_id: str) -> None:
    """Nothing can arrive any more: drop the reset marker (waiting tokens stay)."""
    marker = _marker(ctx, node, scope_id)
    if marker is not None:
        ctx.state.remove_token(marker.id)


class ComplexGatewayBehavior:
    """See the module docstring."""

    __slots__ = ()

    def enter(self, ctx: Context, token: Token) -> None:
        node = cast(ComplexGateway, ctx.node(token))
        if len(node.incoming) <= 1:
            ctx.leave(token, fork_flows(ctx, node, token))
            return
        scope_id = token.scope_id
        marker = _marker(ctx, node, scope_id)
        if marker is not None:  # fired already this round: absorb the late token
            consume(ctx, [token])
            if not blocked(ctx, node, scope_id):
                ctx.state.remove_token(marker.id)
            return
        park(ctx, token)
        arrived = [t for t in waiting(ctx, node, scope_id)]
        if not self._activated(ctx, node, scope_id, len(arrived)):
            return
        flows = fork_flows(ctx, node, token)  # before anything is consumed
        consume(ctx, [t for t in arrived if t is not token])
        if blocked(ctx, node, scope_id):
            ctx.state.add_token(
                Token(
                    id=ctx.new_id(),
                    element_id=node.id,
                    scope_id=scope_id,
                    state=TokenState.JOINING,
                    arrived_via=node.id,
                )
            )
        ctx.leave(token, flows)

    @staticmethod
    def _activated(ctx: Context, node: ComplexGateway, scope_id: str, count: int) -> bool:
        if node.activation_condition is None:
            return count >= 1
        counts = {"activationCount": count, "_activationCount": count}
        view = ChainMap(counts, dict(ctx.variables(scope_id)))
        what = f"activationCondition of complex gateway '{node.id}'"
        return condition(ctx, what, node.activation_condition, view)
