"""Inclusive and complex gateways: forks that take every true flow, and joins that wait
only for the tokens that can still arrive.

The join rule (BPMN 2.0 section 13.4.3): an inclusive join fires when it holds a token
and no other token of the same scope can still reach it. "Can still reach" is decided by
upstream reachability over the model graph:

1. ``upstream(model, gateway)`` walks the sequence flows backwards from the gateway,
   within its scope, and collects every node from which the gateway can be reached. An
   activity counts as a predecessor of its boundary events (a token on the activity may
   leave through one of them). The walk stops at nothing but the scope's border: flows
   never cross it. It depends only on the model, so it is computed once per model.
2. The arriving token parks as JOINING. The join is *blocked* while another token of the
   same scope sits on an upstream node (whatever its state: waiting, failed, inside a
   subprocess through its IN_SCOPE token, at another join), or is READY at the gateway
   itself (it arrives in this very step). Tokens of nested scopes need no check: their
   subprocess's token stands for them in this scope.
3. If not blocked, the oldest JOINING token per incoming flow is consumed and one token
   leaves through the fork rule. Flows with no token are simply not waited for.

A join that was blocked may become free without any token arriving: the token it waited
for went elsewhere (an exclusive gateway chose another branch, an end event consumed it).
So after each run the interpreter calls ``release_joins``, which re-enters every waiting
join that is no longer blocked.

The fork rule: every outgoing flow whose condition holds (a flow without one always
does); the default flow only when no other flow is taken; no flow at all is an incident.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from bpmn_engine.interpreter.context import ElementError
from bpmn_engine.interpreter.effects import HISTORY_ELEMENT_COMPLETED
from bpmn_engine.interpreter.state import Token, TokenState
from bpmn_engine.model import FlowNode, ProcessModel, SequenceFlow

if TYPE_CHECKING:
    from bpmn_engine.interpreter.context import Context

JOINING = TokenState.JOINING
READY = TokenState.READY

_UPSTREAM: dict[tuple[int, str], tuple[ProcessModel, frozenset[str]]] = {}
_UPSTREAM_MAX = 4096


def upstream(model: ProcessModel, gateway_id: str) -> frozenset[str]:
    """Ids of the nodes from which ``gateway_id`` can be reached (cached per model)."""
    key = (id(model), gateway_id)
    cached = _UPSTREAM.get(key)
    if cached is not None and cached[0] is model:
        return cached[1]
    attached: dict[str, list[str]] = {}
    for node in model.nodes.values():
        host = getattr(node, "attached_to", None)
        if isinstance(host, str):
            attached.setdefault(node.id, []).append(host)
    seen: set[str] = set()
    queue = deque([gateway_id])
    while queue:
        current = model.nodes.get(queue.popleft())
        if current is None:
            continue
        for flow_id in current.incoming:
            flow = model.flows.get(flow_id)
            if flow is not None and flow.source_id not in seen:
                seen.add(flow.source_id)
                queue.append(flow.source_id)
                queue.extend(h for h in attached.get(flow.source_id, ()) if h not in seen)
                seen.update(attached.get(flow.source_id, ()))
    if len(_UPSTREAM) >= _UPSTREAM_MAX:
        _UPSTREAM.clear()
    result = frozenset(seen)
    _UPSTREAM[key] = (model, result)
    return result


def blocked(ctx: Context, node: FlowNode, scope_id: str) -> bool:
    """Whether a token of the scope can still arrive at the join (see the module doc)."""
    reachable = upstream(ctx.model, node.id)
    for other in ctx.state.tokens.values():
        if other.scope_id != scope_id:
            continue
        if other.element_id == node.id:
            if other.state is READY:
                return True
        elif other.element_id in reachable:
            return True
    return False


def fork_flows(ctx: Context, node: FlowNode, token: Token) -> list[SequenceFlow]:
    """Every true flow, else the default; none at all is an incident."""
    flows = ctx.model.outgoing(node.id)
    taken = ctx.taken_flows(token) if flows else []
    if flows and not taken:
        kind = type(node).__name__.replace("Gateway", " gateway")
        raise ElementError(
            f"{kind} '{node.id}': no condition of its outgoing flows is true "
            "and it has no default flow"
        )
    return taken


def park(ctx: Context, token: Token) -> None:
    """Park as JOINING, moved to the end of the token dict (arrival order survives reload)."""
    state = ctx.state
    state.tokens[token.id] = state.tokens.pop(token.id)
    state.update_token(token, state=JOINING)


def waiting(ctx: Context, node: FlowNode, scope_id: str) -> list[Token]:
    return [
        t
        for t in ctx.state.tokens.values()
        if t.state is JOINING and t.element_id == node.id and t.scope_id == scope_id
    ]


def consume(ctx: Context, tokens: list[Token]) -> None:
    for other in tokens:
        ctx.history(HISTORY_ELEMENT_COMPLETED, other)
        ctx.state.remove_token(other.id)


class InclusiveGatewayBehavior:
    """See the module docstring."""

    __slots__ = ()

    def enter(self, ctx: Context, token: Token) -> None:
        node = ctx.node(token)
        if len(node.incoming) <= 1:
            ctx.leave(token, fork_flows(ctx, node, token))
            return
        park(ctx, token)
        if blocked(ctx, node, token.scope_id):
            return
        flows = fork_flows(ctx, node, token)  # before anything is consumed
        oldest: dict[str | None, Token] = {}
        for other in waiting(ctx, node, token.scope_id):
            oldest.setdefault(other.arrived_via, other)
        consume(ctx, [t for t in oldest.values() if t is not token])
        ctx.leave(token, flows)


def release_joins(ctx: Context) -> bool:
    """Re-enter the waiting inclusive/complex joins that nothing can reach any more.

    Called by the interpreter when its ready queue is empty; True when it queued work.
    """
    from bpmn_engine.interpreter.behaviors.complex import ComplexGatewayBehavior, reset

    released = False
    seen: set[tuple[str, str]] = set()
    for token in list(ctx.state.tokens.values()):
        key = (token.element_id, token.scope_id)
        if token.state is not JOINING or key in seen:
            continue
        behavior = ctx.behaviors.get(token.element_id)
        if not isinstance(behavior, InclusiveGatewayBehavior | ComplexGatewayBehavior):
            continue
        seen.add(key)
        node = ctx.node(token)
        if blocked(ctx, node, token.scope_id):
            continue
        if isinstance(behavior, ComplexGatewayBehavior):
            reset(ctx, node, token.scope_id)
            continue
        ctx.state.update_token(token, state=READY)
        ctx.ready.append(token)
        released = True
    return released
