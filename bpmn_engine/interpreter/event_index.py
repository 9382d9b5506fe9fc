"""Event lookups the interpreter needs on every step, computed once per process model.

``ProcessModel`` is shared with other work, so the event-specific lookups (which boundary
events sit on an activity, which nodes hold subscriptions while a token is on them) live
here, cached per model object.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bpmn_engine.model import (
    BoundaryEvent,
    EventBasedGateway,
    EventSubProcess,
    IntermediateCatchEvent,
    ProcessModel,
    ReceiveTask,
    StartEvent,
)


@dataclass(frozen=True, slots=True)
class EventIndex:
    boundaries: Mapping[str, tuple[BoundaryEvent, ...]]
    """Boundary events by the id of the activity they are attached to."""
    listening: frozenset[str]
    """Nodes whose tokens may hold subscriptions or timer jobs (stop listening on leave)."""
    event_starts: Mapping[str, tuple[StartEvent, ...]]
    """Start events of the event subprocesses directly in a scope, by the scope's id
    (the process id, or a subprocess id)."""
    on_enter: frozenset[str]
    """Nodes whose token opens listeners when it waits (boundaries, event subprocesses)."""


_CACHE: dict[int, tuple[ProcessModel, EventIndex]] = {}


def event_index(model: ProcessModel) -> EventIndex:
    cached = _CACHE.get(id(model))
    if cached is not None and cached[0] is model:
        return cached[1]
    index = _build(model)
    _CACHE[id(model)] = (model, index)
    return index


def _build(model: ProcessModel) -> EventIndex:
    boundaries: dict[str, list[BoundaryEvent]] = {}
    listening: set[str] = set()
    event_starts: dict[str, list[StartEvent]] = {}
    for node in model.nodes.values():
        if isinstance(node, EventSubProcess):
            starts = [n for n in model.children(node.id) if isinstance(n, StartEvent)]
            event_starts.setdefault(node.scope_id, []).extend(starts)
        if isinstance(node, BoundaryEvent):
            boundaries.setdefault(node.attached_to, []).append(node)
            listening.add(node.attached_to)
        elif isinstance(node, IntermediateCatchEvent | ReceiveTask | EventBasedGateway):
            listening.add(node.id)
        elif isinstance(node, StartEvent) and node.parallel_multiple:
            listening.add(node.id)  # it waits for its other events (parallel_multiple.py)
    return EventIndex(
        boundaries={k: tuple(v) for k, v in boundaries.items()},
        listening=frozenset(listening),
        event_starts={k: tuple(v) for k, v in event_starts.items()},
        on_enter=frozenset(boundaries) | frozenset(event_starts),
    )
