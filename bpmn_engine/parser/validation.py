"""Semantic checks on the built model, each a small function returning its issues.

Rules that only matter for running a process (start events, defaults, unsupported
elements) are errors in an executable process and warnings - or nothing, for unsupported
elements - in a non-executable one, which is stored for viewing only. Rules without which
the model itself is inconsistent (flows pointing at nothing) are errors everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from bpmn_engine.model import (
    AdHocSubProcess,
    Definitions,
    EndEvent,
    FlowNode,
    ProcessModel,
    ReceiveTask,
    ServiceTask,
    StartEvent,
    SubProcess,
    UnsupportedNode,
)
from bpmn_engine.model.adhoc import enabled_activities
from bpmn_engine.parser.errors import ERROR, WARNING, DeployIssue
from bpmn_engine.parser.event_validation import EVENT_CHECKS
from bpmn_engine.parser.gateway_validation import GATEWAY_CHECKS

ProcessCheck = Callable[[ProcessModel], Iterator[DeployIssue]]

_DURATION = r"P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?"
RETRY_CYCLE = re.compile(rf"R\d+/{_DURATION}")


def _severity(process: ProcessModel) -> str:
    return ERROR if process.is_executable else WARNING


def _issue(
    process: ProcessModel,
    message: str,
    element: FlowNode | ProcessModel | None = None,
    *,
    line: int | None = None,
    element_id: str | None = None,
) -> DeployIssue:
    if element is not None:
        line, element_id = element.line, element.id
    return DeployIssue(message, line, element_id, severity=_severity(process))


def dangling_flows(process: ProcessModel) -> Iterator[DeployIssue]:
    """A flow must connect two flow nodes of its own process."""
    for flow in process.flows.values():
        for attribute, ref in (("sourceRef", flow.source_id), ("targetRef", flow.target_id)):
            if ref and ref not in process.nodes:
                yield DeployIssue(
                    f"sequence flow '{flow.id}' {attribute} '{ref}' is not a flow node "
                    f"of process '{process.id}'",
                    flow.line,
                    flow.id,
                )


def scope_crossing_flows(process: ProcessModel) -> Iterator[DeployIssue]:
    """Tokens cannot leave or enter a subprocess except through its start and end."""
    for flow in process.flows.values():
        source, target = process.nodes.get(flow.source_id), process.nodes.get(flow.target_id)
        if source is not None and target is not None and source.scope_id != target.scope_id:
            yield DeployIssue(
                f"sequence flow '{flow.id}' crosses a subprocess boundary: '{source.id}' is "
                f"in '{source.scope_id}' but '{target.id}' is in '{target.scope_id}'",
                flow.line,
                flow.id,
                severity=_severity(process),
            )


def start_and_end_flows(process: ProcessModel) -> Iterator[DeployIssue]:
    for node in process.nodes.values():
        if isinstance(node, StartEvent) and node.incoming:
            flows = ", ".join(f"'{f}'" for f in node.incoming)
            yield _issue(process, f"start event '{node.id}' has incoming flow {flows}", node)
        if isinstance(node, EndEvent) and node.outgoing:
            flows = ", ".join(f"'{f}'" for f in node.outgoing)
            yield _issue(process, f"end event '{node.id}' has outgoing flow {flows}", node)


def default_flows(process: ProcessModel) -> Iterator[DeployIssue]:
    """``default`` must be one of the node's own outgoing flows, and is never conditional."""
    for node in process.nodes.values():
        if node.default_flow is None:
            continue
        if node.default_flow not in node.outgoing:
            yield _issue(
                process,
                f"default flow '{node.default_flow}' of '{node.id}' is not one of its "
                "outgoing flows",
                node,
            )
        elif process.flows[node.default_flow].condition is not None:
            flow = process.flows[node.default_flow]
            yield DeployIssue(
                f"default flow '{flow.id}' of '{node.id}' has a condition, which is ignored",
                flow.line,
                flow.id,
                severity=WARNING,
            )


def start_events(process: ProcessModel) -> Iterator[DeployIssue]:
    """An executable process and each of its embedded subprocesses need a none start.

    A scope that may start at an unsupported node (one without incoming flows: a timer
    start, an instantiating receive task, ...) is already reported for that node.
    """
    if not process.is_executable:
        return
    scopes: list[FlowNode | ProcessModel] = [process]
    scopes += [node for node in process.nodes.values() if isinstance(node, SubProcess)]
    for scope in scopes:
        if isinstance(scope, AdHocSubProcess):  # starts at its enabled activities
            if not enabled_activities(process, scope.id):
                yield _issue(
                    process,
                    f"ad-hoc subprocess '{scope.id}' has no activity without incoming flow, "
                    "so nothing in it can start",
                    scope,
                )
            continue
        children = process.children(scope.id)
        if scope is not process and not children:
            continue  # an empty (collapsed placeholder) subprocess completes at once
        if process.none_start_events(scope.id) or any(
            isinstance(node, UnsupportedNode | StartEvent | ReceiveTask) and not node.incoming
            for node in children
        ):
            continue
        what = "process" if scope is process else "subprocess"
        yield _issue(process, f"{what} '{scope.id}' has no none start event", scope)


def unsupported_nodes(process: ProcessModel) -> Iterator[DeployIssue]:
    if not process.is_executable:
        return
    for node in process.nodes.values():
        if isinstance(node, UnsupportedNode):
            feature = f" with {node.feature}" if node.feature else ""
            yield _issue(process, f"{node.kind} '{node.id}'{feature} is not supported yet", node)


def retry_time_cycles(process: ProcessModel) -> Iterator[DeployIssue]:
    for node in process.nodes.values():
        cycle = node.retry_time_cycle if isinstance(node, ServiceTask) else None
        if cycle is not None and not RETRY_CYCLE.fullmatch(cycle):
            yield _issue(
                process,
                f"camunda:failedJobRetryTimeCycle '{cycle}' of '{node.id}' is not "
                "R<n>/<ISO 8601 duration> (e.g. R3/PT10M)",
                node,
            )


PROCESS_CHECKS: tuple[ProcessCheck, ...] = (
    dangling_flows,
    scope_crossing_flows,
    start_and_end_flows,
    default_flows,
    start_events,
    unsupported_nodes,
    retry_time_cycles,
    *EVENT_CHECKS,
    *GATEWAY_CHECKS,
)


def validate(definitions: Definitions) -> list[DeployIssue]:
    issues: list[DeployIssue] = []
    for process in definitions.processes:
        for check in PROCESS_CHECKS:
            issues.extend(check(process))
    return issues
