"""Parallel multiple events (``parallelMultiple="true"``, BPMN 2.0 section 10.5.1): a
catch or boundary event with several definitions that fires only once *all* of them
have triggered, in any order.

Each definition listens on its own *part id* ``<event id>#<index>`` (a BPMN id cannot
contain ``#``), so the runtime's subscription and timer rows tell the parts apart and
hand the part id back to ``Interpreter.trigger`` unchanged. The parts that already
triggered are kept in the variables of the listening token's scope under ``KEY`` (a name
no expression can spell), one entry per (token, event); the entry goes when the event
fires or when the token stops listening (``forget``), so nothing outlives the wait.
A part that triggers twice counts once, and a timer part (even a ``timeCycle``) fires
once: its first occurrence is the part's trigger, so the runtime does not re-arm it.
After an event-based gateway the gateway's token collects the parts (``collects_parts``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bpmn_engine.interpreter.effects import HISTORY_EVENT_TRIGGERED
from bpmn_engine.interpreter.state import TokenState
from bpmn_engine.model import BoundaryEvent, EventBasedGateway, FlowNode

if TYPE_CHECKING:
    from bpmn_engine.interpreter.context import Context
    from bpmn_engine.interpreter.state import Token

KEY = "$parallel"
SEPARATOR = "#"


def is_parallel(node: FlowNode) -> bool:
    return bool(getattr(node, "parallel_multiple", False))


def part_id(node_id: str, index: int) -> str:
    return f"{node_id}{SEPARATOR}{index}"


def split_part(element_id: str) -> tuple[str, int | None]:
    """``"Catch#1"`` -> ``("Catch", 1)``; a plain element id has no part."""
    node_id, separator, index = element_id.rpartition(SEPARATOR)
    if not separator or not index.isdigit():
        return element_id, None
    return node_id, int(index)


def collects_parts(ctx: Context, token: Token, node: FlowNode) -> bool:
    """Whether ``token`` holds the listener of ``node``'s parts: the activity a
    parallel boundary is attached to, the token waiting at the parallel catch event
    itself, or the token waiting at an event-based gateway that ``node`` follows. In
    the last case the gateway's choice is made only when the event has fired, i.e.
    after its last part, not on the first one."""
    if isinstance(node, BoundaryEvent):
        return node.attached_to == token.element_id
    if token.state is not TokenState.WAITING:
        return False
    if token.element_id == node.id:
        return True
    gateway = ctx.model.nodes.get(token.element_id)
    return isinstance(gateway, EventBasedGateway) and any(
        flow.target_id == node.id for flow in ctx.model.outgoing(gateway.id)
    )


def part_fired(
    ctx: Context, token: Token, node: FlowNode, index: int, variables: Mapping[str, Any]
) -> bool:
    """Record that definition ``index`` of ``node`` triggered for ``token``; True when
    every definition has now triggered (the record is then dropped)."""
    scope = ctx.state.scopes[token.scope_id]
    store: dict[str, list[int]] = scope.variables.setdefault(KEY, {})
    key = f"{token.id}/{node.id}"
    fired = store.setdefault(key, [])
    if index not in fired:
        fired.append(index)
    ctx.state.changes.scopes_saved.add(scope.id)
    if variables:
        ctx.set_variables(token, variables)
    total = len(getattr(node, "event_definitions", ()))
    if len(fired) < total:
        data = {"definition": index, "triggered": sorted(fired), "of": total}
        ctx.history(HISTORY_EVENT_TRIGGERED, token, element_id=node.id, data=data)
        return False
    del store[key]
    if not store:
        del scope.variables[KEY]
    return True


def forget(ctx: Context, token: Token) -> None:
    """The token stops listening: drop what its parallel events had collected."""
    scope = ctx.state.scopes.get(token.scope_id)
    store = scope.variables.get(KEY) if scope is not None else None
    if not isinstance(store, dict) or scope is None:
        return
    prefix = f"{token.id}/"
    for key in [k for k in store if k.startswith(prefix)]:
        del store[key]
    if not store:
        del scope.variables[KEY]
    ctx.state.changes.scopes_saved.add(scope.id)
