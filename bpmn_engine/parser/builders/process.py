"""Processes and embedded subprocesses: walk the scopes, then build flows and nodes.

The walk flattens every embedded subprocess into the process's one ``nodes`` map, with
``scope_id`` saying which scope holds each node. Flows are built first so each node gets
its incoming and outgoing flow ids from the flows themselves, in document order.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace

from lxml import etree

from bpmn_engine.model import (
    EventSubProcess,
    FlowNode,
    Lane,
    ProcessModel,
    SubProcess,
    UnsupportedNode,
)
from bpmn_engine.parser.builders.common import documentation, element_id, text_of
from bpmn_engine.parser.builders.data_objects import declared_data_objects
from bpmn_engine.parser.builders.extensions import camunda_attr, read_extensions
from bpmn_engine.parser.builders.flows import build_sequence_flow
from bpmn_engine.parser.builders.io import read_io
from bpmn_engine.parser.builders.loops import read_loop, read_quantities
from bpmn_engine.parser.namespaces import (
    bpmn,
    bpmn_children,
    elements,
    is_bpmn,
    line_of,
    local_name,
)
from bpmn_engine.parser.registry import NODE_KINDS, BuildContext, NodeFields, NodeKind, register
from bpmn_engine.parser.support import UNSUPPORTED_NODES, unsupported_feature

TOLERATED = frozenset(
    {
        # descriptive or data-related content that does not route tokens
        "documentation",
        "extensionElements",
        "auditing",
        "monitoring",
        "property",
        "laneSet",
        "dataObject",
        "dataObjectReference",
        "dataStoreReference",
        "textAnnotation",
        "association",
        "group",
        "ioSpecification",
        "ioBinding",
        "dataInputAssociation",
        "dataOutputAssociation",
        "resourceRole",
        "performer",
        "humanPerformer",
        "potentialOwner",
        "correlationSubscription",
        "supports",
        "categoryValueRef",
        # children of a subprocess that describe the subprocess itself
        "incoming",
        "outgoing",
        "standardLoopCharacteristics",
        "multiInstanceLoopCharacteristics",
        "completionCondition",  # of an ad-hoc subprocess (builders/adhoc.py)
    }
)
"""BPMN children of a process or subprocess that are accepted and not built."""


@register("subProcess", scope=True)
def build_subprocess(el: etree._Element, fields: NodeFields, ctx: BuildContext) -> SubProcess:
    if el.get("triggeredByEvent") == "true":
        return EventSubProcess(**fields)
    return SubProcess(**fields)


@dataclass
class _FoundNode:
    el: etree._Element
    id: str
    scope_id: str
    kind: NodeKind | None
    """None for a recognised but unsupported node."""
    feature: str = ""


@dataclass
class _Walk:
    nodes: list[_FoundNode] = field(default_factory=list)
    flows: list[etree._Element] = field(default_factory=list)


def _walk(scope: etree._Element, scope_id: str, walk: _Walk, ctx: BuildContext) -> None:
    for child in elements(scope):
        if not is_bpmn(child):
            continue  # vendor content: reported by the foreign-extension scan
        tag = local_name(child)
        if tag == "sequenceFlow":
            walk.flows.append(child)
        elif tag in NODE_KINDS or tag in UNSUPPORTED_NODES:
            kind = NODE_KINDS.get(tag)
            feature = unsupported_feature(child) if kind is not None else None
            node = _FoundNode(child, element_id(child, ctx.issues), scope_id, kind)
            if feature is not None:
                node.kind, node.feature = None, feature
            walk.nodes.append(node)
            if node.kind is not None and node.kind.scope:
                _walk(child, node.id, walk, ctx)
        elif tag not in TOLERATED:
            ctx.issues.error(f"unknown BPMN element <{tag}> in '{scope_id}'", child)


def _build_node(
    found: _FoundNode,
    incoming: dict[str, list[str]],
    outgoing: dict[str, list[str]],
    ctx: BuildContext,
) -> FlowNode:
    el = found.el
    fields = NodeFields(
        id=found.id,
        name=el.get("name", ""),
        documentation=documentation(el),
        line=line_of(el),
        extensions=read_extensions(el),
        scope_id=found.scope_id,
        incoming=tuple(incoming[found.id]),
        outgoing=tuple(outgoing[found.id]),
        default_flow=el.get("default") or None,
    )
    if found.kind is None:
        return UnsupportedNode(**fields, kind=local_name(el), feature=found.feature)
    node = found.kind.build(el, fields, ctx)
    if isinstance(node, SubProcess) and (data_objects := declared_data_objects(el)):
        node = replace(node, data_objects=data_objects)
    loop = read_loop(el, found.id, ctx.issues)  # any activity kind may loop
    io = read_io(el, found.id, ctx.issues)  # ... and have camunda:inputOutput
    start, completion = read_quantities(el, found.id, ctx.issues)
    if loop is None and io is None and start == completion == 1:
        return node
    return replace(node, loop=loop, io=io, start_quantity=start, completion_quantity=completion)


def _lanes(lane_sets: list[etree._Element]) -> tuple[Lane, ...]:
    return tuple(
        Lane(
            id=lane.get("id", ""),
            name=lane.get("name", ""),
            node_ids=tuple(text_of(ref) for ref in bpmn_children(lane, "flowNodeRef")),
            child_lanes=_lanes(bpmn_children(lane, "childLaneSet")),
        )
        for lane_set in lane_sets
        for lane in bpmn_children(lane_set, "lane")
    )


def _check_lane_refs(el: etree._Element, ctx: BuildContext) -> None:
    ids = {child.get("id") for child in el.iter(bpmn("*"))}
    for ref in el.iter(bpmn("flowNodeRef")):
        if text_of(ref) not in ids:
            lane = ref.getparent()
            ctx.issues.warning(
                f"lane refers to '{text_of(ref)}', which does not exist in the process",
                ref,
                lane.get("id") if lane is not None else None,
            )


def _csv(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())


def build_process(el: etree._Element, ctx: BuildContext) -> ProcessModel:
    process_id = element_id(el, ctx.issues)
    walk = _Walk()
    _walk(el, process_id, walk, ctx)
    flows = [build_sequence_flow(flow, ctx) for flow in walk.flows]
    incoming: dict[str, list[str]] = defaultdict(list)
    outgoing: dict[str, list[str]] = defaultdict(list)
    for flow in flows:
        outgoing[flow.source_id].append(flow.id)
        incoming[flow.target_id].append(flow.id)
    _check_lane_refs(el, ctx)
    return ProcessModel.build(
        id=process_id,
        nodes=[_build_node(found, incoming, outgoing, ctx) for found in walk.nodes],
        flows=flows,
        name=el.get("name", ""),
        documentation=documentation(el),
        is_executable=el.get("isExecutable", "true").strip() not in ("false", "0"),
        line=line_of(el),
        extensions=read_extensions(el),
        lanes=_lanes(bpmn_children(el, "laneSet")),
        candidate_starter_groups=_csv(camunda_attr(el, "candidateStarterGroups")),
        candidate_starter_users=_csv(camunda_attr(el, "candidateStarterUsers")),
    )
