"""Signals inside the throwing instance are delivered during the throw, as BPMN (and
Camunda) specify: a boundary on the subprocess that throws, a catch event on a parallel
branch, an event subprocess of a live scope. Other instances get the signal from the
runtime after the step commits (``ThrowSignal``), which skips the throwing instance."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bpmn_engine.interpreter.behaviors.parallel_multiple import is_parallel, part_id
from bpmn_engine.interpreter.errors import TokenNotWaitingError
from bpmn_engine.interpreter.event_index import event_index
from bpmn_engine.interpreter.state import TokenState
from bpmn_engine.model import (
    EventBasedGateway,
    EventDefinition,
    FlowNode,
    SignalEventDefinition,
)

if TYPE_CHECKING:
    from bpmn_engine.interpreter.context import Context

_LISTENING = (TokenState.WAITING, TokenState.IN_SCOPE)


def _catches(node: FlowNode, name: str) -> bool:
    """Any of the node's definitions (events2: a multiple event has several)."""
    definitions: tuple[EventDefinition, ...] = getattr(node, "event_definitions", ())
    return any(
        isinstance(definition, SignalEventDefinition) and definition.signal_name == name
        for definition in definitions
    )


def _targets(node: FlowNode, name: str) -> list[str]:
    """The element ids to fire for the signal: the node's, or for a parallel multiple
    event the part ids of its definitions that catch it."""
    if not is_parallel(node):
        return [node.id] if _catches(node, name) else []
    definitions: tuple[EventDefinition, ...] = getattr(node, "event_definitions", ())
    return [
        part_id(node.id, index)
        for index, definition in enumerate(definitions)
        if isinstance(definition, SignalEventDefinition) and definition.signal_name == name
    ]


def _listeners(ctx: Context, name: str) -> list[tuple[str, str]]:
    """(token or scope id, element id) of every listener for the signal, in state order."""
    model, index = ctx.model, event_index(ctx.model)
    found: list[tuple[str, str]] = []
    for token in ctx.state.tokens.values():
        if token.state not in _LISTENING:
            continue
        node = model.nodes[token.element_id]
        for boundary in index.boundaries.get(node.id, ()):
            found += [(token.id, target) for target in _targets(boundary, name)]
        if token.state is TokenState.WAITING:
            found += [(token.id, target) for target in _targets(node, name)]
        if isinstance(node, EventBasedGateway):
            targets = (model.nodes[f.target_id] for f in model.outgoing(node.id))
            found += [(token.id, t.id) for t in targets if _catches(t, name)]
    for scope in ctx.state.scopes.values():
        starts = index.event_starts.get(scope.element_id, ())
        found += [(scope.id, s.id) for s in starts if _catches(s, name)]
    return found


def deliver_signal(ctx: Context, name: str) -> None:
    from bpmn_engine.interpreter.triggers import fire

    for holder_id, element_id in _listeners(ctx, name):
        try:
            fire(ctx, holder_id, element_id, {})
        except TokenNotWaitingError:
            continue  # an earlier listener's firing removed this one
