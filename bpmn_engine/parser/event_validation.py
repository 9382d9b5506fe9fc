"""Deploy-time rules for events: boundary attachment, timer values, event gateways.

Each check names the element and the rule it breaks; see ``validation.py`` for how
severity follows executability.
"""

from __future__ import annotations

from collections.abc import Iterator

from bpmn_engine.model import (
    BoundaryEvent,
    EndEvent,
    EventBasedGateway,
    FlowNode,
    Gateway,
    IntermediateCatchEvent,
    IntermediateThrowEvent,
    LinkEventDefinition,
    ProcessModel,
    ReceiveTask,
    StartEvent,
    TimerEventDefinition,
    UnsupportedNode,
)
from bpmn_engine.model.events import first_definition
from bpmn_engine.model.timers import TimerValueError, check_timer
from bpmn_engine.parser.errors import ERROR, WARNING, DeployIssue

_NOT_ACTIVITIES = (
    Gateway,
    StartEvent,
    EndEvent,
    BoundaryEvent,
    IntermediateCatchEvent,
    IntermediateThrowEvent,
)


def _issue(process: ProcessModel, message: str, node: FlowNode) -> DeployIssue:
    severity = ERROR if process.is_executable else WARNING
    return DeployIssue(message, node.line, node.id, severity=severity)


def boundary_attachments(process: ProcessModel) -> Iterator[DeployIssue]:
    """A boundary event sits on an activity of its own scope and has no incoming flow."""
    for node in process.nodes.values():
        if not isinstance(node, BoundaryEvent):
            continue
        target = process.nodes.get(node.attached_to)
        if not node.attached_to:
            yield _issue(process, f"boundary event '{node.id}' has no attached activity", node)
        elif target is None or isinstance(target, _NOT_ACTIVITIES):
            yield _issue(
                process,
                f"boundary event '{node.id}' is attached to '{node.attached_to}', "
                "which is not an activity of the process",
                node,
            )
        elif target.scope_id != node.scope_id:
            yield _issue(
                process,
                f"boundary event '{node.id}' is not in the same scope as '{target.id}'",
                node,
            )
        if node.incoming:
            yield _issue(process, f"boundary event '{node.id}' has an incoming flow", node)


def timer_values(process: ProcessModel) -> Iterator[DeployIssue]:
    """A timer value must parse. A catch or boundary timer drawn without a value (MIWG
    C.6.0; modelling tools leave it empty) is allowed with a warning: it never fires by
    itself, so its token simply waits there (``behaviors/listen``)."""
    for node in process.nodes.values():
        definition = first_definition(node)
        if not isinstance(definition, TimerEventDefinition):
            continue
        if not definition.value.strip() and isinstance(
            node, IntermediateCatchEvent | BoundaryEvent
        ):
            message = f"timer of '{node.id}' has no value: it never fires by itself"
            yield DeployIssue(message, node.line, node.id, severity=WARNING)
            continue
        try:
            check_timer(definition.timer_type, definition.value)
        except TimerValueError as error:
            yield _issue(process, f"timer of '{node.id}' ({definition.timer_type}): {error}", node)


def event_gateways(process: ProcessModel) -> Iterator[DeployIssue]:
    """Every flow out of an event-based gateway leads to a catch event or receive task."""
    for node in process.nodes.values():
        if not isinstance(node, EventBasedGateway):
            continue
        if len(node.outgoing) < 2:
            yield _issue(
                process, f"event-based gateway '{node.id}' needs two or more outgoing flows", node
            )
        for flow in process.outgoing(node.id):
            target = process.nodes.get(flow.target_id)
            allowed = IntermediateCatchEvent | ReceiveTask | UnsupportedNode
            if target is not None and not isinstance(target, allowed):
                yield _issue(
                    process,
                    f"event-based gateway '{node.id}' leads to '{target.id}', which is not "
                    "an intermediate catch event or receive task",
                    node,
                )
            if flow.condition is not None:
                yield _issue(
                    process, f"flow '{flow.id}' out of event-based gateway has a condition", node
                )


def link_events(process: ProcessModel) -> Iterator[DeployIssue]:
    """A link throw needs exactly one link catch event of its name in its scope."""
    catches: dict[tuple[str, str], list[FlowNode]] = {}
    throws: list[tuple[FlowNode, str]] = []
    for node in process.nodes.values():
        definition = first_definition(node)
        if not isinstance(definition, LinkEventDefinition):
            continue
        key = (node.scope_id, definition.link_name)
        if isinstance(node, IntermediateCatchEvent):
            catches.setdefault(key, []).append(node)
        else:
            throws.append((node, definition.link_name))
    for node, name in throws:
        found = len(catches.get((node.scope_id, name), []))
        if found != 1:
            what = "no" if found == 0 else "more than one"
            yield _issue(
                process, f"link throw event '{node.id}' has {what} link catch event '{name}'", node
            )


EVENT_CHECKS = (boundary_attachments, timer_values, event_gateways, link_events)
