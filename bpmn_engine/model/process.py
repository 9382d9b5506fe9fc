"""``ProcessModel``: one executable (or viewable) process with fast graph lookups."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from bpmn_engine.model.elements import (
    NO_EXTENSIONS,
    Extensions,
    FlowNode,
    SequenceFlow,
    StartEvent,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Lane:
    id: str
    name: str = ""
    node_ids: tuple[str, ...] = ()
    child_lanes: tuple[Lane, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ProcessModel:
    """A process with every node of every nested scope in one flat map.

    Built once per deployed definition and cached: everything is read-only, and the
    lookups the interpreter needs on every step (outgoing flows, start events of a scope)
    are computed here once rather than on each step.
    """

    id: str
    name: str = ""
    documentation: str = ""
    is_executable: bool = True
    line: int | None = None
    extensions: Extensions = NO_EXTENSIONS
    nodes: Mapping[str, FlowNode] = field(default_factory=lambda: MappingProxyType({}))
    flows: Mapping[str, SequenceFlow] = field(default_factory=lambda: MappingProxyType({}))
    lanes: tuple[Lane, ...] = ()
    candidate_starter_groups: tuple[str, ...] = ()
    candidate_starter_users: tuple[str, ...] = ()
    _outgoing: Mapping[str, tuple[SequenceFlow, ...]] = field(
        default_factory=lambda: MappingProxyType({}), repr=False
    )
    _children: Mapping[str, tuple[FlowNode, ...]] = field(
        default_factory=lambda: MappingProxyType({}), repr=False
    )

    @classmethod
    def build(
        cls,
        *,
        id: str,
        nodes: Iterable[FlowNode],
        flows: Iterable[SequenceFlow],
        **attributes: object,
    ) -> ProcessModel:
        """Create the model and precompute its lookups. Node and flow order is kept."""
        node_map = {node.id: node for node in nodes}
        flow_map = {flow.id: flow for flow in flows}
        outgoing = {
            node.id: tuple(flow_map[f] for f in node.outgoing if f in flow_map)
            for node in node_map.values()
        }
        children: dict[str, list[FlowNode]] = {}
        for node in node_map.values():
            children.setdefault(node.scope_id, []).append(node)
        return cls(
            id=id,
            nodes=MappingProxyType(node_map),
            flows=MappingProxyType(flow_map),
            _outgoing=MappingProxyType(outgoing),
            _children=MappingProxyType({k: tuple(v) for k, v in children.items()}),
            **attributes,  # type: ignore[arg-type]
        )

    @property
    def label(self) -> str:
        return self.name or self.id

    def node(self, node_id: str) -> FlowNode:
        return self.nodes[node_id]

    def flow(self, flow_id: str) -> SequenceFlow:
        return self.flows[flow_id]

    def outgoing(self, node_id: str) -> tuple[SequenceFlow, ...]:
        return self._outgoing.get(node_id, ())

    def children(self, scope_id: str) -> tuple[FlowNode, ...]:
        """Nodes directly inside the process (``scope_id == self.id``) or a subprocess."""
        return self._children.get(scope_id, ())

    def none_start_events(self, scope_id: str) -> tuple[StartEvent, ...]:
        """Start events with no event definition in the given scope, in document order."""
        return tuple(
            node
            for node in self.children(scope_id)
            if isinstance(node, StartEvent) and not node.event_definitions
        )
