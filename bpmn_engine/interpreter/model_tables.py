"""Per-model lookups every step needs, computed once per process model object.

The runtime builds an ``Interpreter`` for each step, while a deployed ``ProcessModel``
is built once and cached; so everything derived from the model alone (the behavior of
each node, its history data, which nodes hold listeners or are compensable) is built
here once per model and shared. The run loop then answers "does this node need X?"
with one set lookup instead of a call that finds out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from bpmn_engine.model import FlowNode, ProcessModel, SequenceFlow, StartEvent

if TYPE_CHECKING:
    from bpmn_engine.interpreter.behaviors.base import Behavior


def element_type(node: FlowNode) -> str:
    """The BPMN tag of a node's class: ``UserTask`` -> ``userTask``."""
    name = type(node).__name__
    return name[:1].lower() + name[1:]


@dataclass(frozen=True, slots=True)
class ModelTables:
    behaviors: Mapping[str, Behavior]
    """The behavior of every node, by node id."""
    node_data: Mapping[str, Mapping[str, Any]]
    """History data of every node (its type and name), by node id."""
    element_types: Mapping[str, str]
    """The BPMN element type of every node (``userTask``), by node id."""
    listening: frozenset[str]
    """Nodes whose tokens may hold listeners to close on leaving (``event_index``)."""
    opens_listeners: frozenset[str]
    """Nodes whose waiting token opens boundary or event-subprocess listeners."""
    compensable: frozenset[str]
    """Activities with a compensation handler: their completion is recorded."""
    unconditional: Mapping[str, tuple[SequenceFlow, ...]]
    """Outgoing flows of the nodes whose flows are all taken (no condition, no default)."""
    late_joins: bool
    """Whether the model has inclusive or complex gateways (joins released late)."""
    conditional_events: bool
    """Whether the model has conditional events (instances need a ``ConditionWatch``)."""
    none_starts: tuple[StartEvent, ...]
    """The process's none start events, in document order (where instances start)."""


_CACHE: dict[int, tuple[ProcessModel, ModelTables]] = {}


def model_tables(model: ProcessModel) -> ModelTables:
    """The tables of ``model``, built on first use and cached per model object."""
    cached = _CACHE.get(id(model))
    if cached is not None and cached[0] is model:
        return cached[1]
    tables = _build(model)
    _CACHE[id(model)] = (model, tables)
    return tables


def _build(model: ProcessModel) -> ModelTables:
    from bpmn_engine.interpreter.behaviors import behavior_for
    from bpmn_engine.interpreter.behaviors.compensation import compensable
    from bpmn_engine.interpreter.behaviors.complex import ComplexGatewayBehavior
    from bpmn_engine.interpreter.behaviors.inclusive import InclusiveGatewayBehavior
    from bpmn_engine.interpreter.conditions import has_conditional_events
    from bpmn_engine.interpreter.event_index import event_index

    nodes = model.nodes.values()
    behaviors = {node.id: behavior_for(node) for node in nodes}
    types = {node.id: element_type(node) for node in nodes}
    unconditional: dict[str, tuple[SequenceFlow, ...]] = {}
    for node in nodes:
        flows = model.outgoing(node.id)
        if node.default_flow is None and all(f.condition is None for f in flows):
            unconditional[node.id] = flows
    index = event_index(model)
    late = (InclusiveGatewayBehavior, ComplexGatewayBehavior)
    return ModelTables(
        behaviors=behaviors,
        node_data={
            node.id: MappingProxyType({"type": types[node.id], "name": node.name}) for node in nodes
        },
        element_types=types,
        listening=index.listening,
        opens_listeners=index.on_enter,
        compensable=frozenset(compensable(model)),
        unconditional=unconditional,
        late_joins=any(isinstance(b, late) for b in behaviors.values()),
        conditional_events=has_conditional_events(model),
        none_starts=model.none_start_events(model.id),
    )
