"""Deploy-time rules for gateways (BPMN 2.0, section 10.5).

A gateway exists to split or to merge: the specification says it MUST have several
incoming or several outgoing sequence flows. One that has a single flow in and a single
flow out yet puts a condition on that flow is a modelling mistake: either a branch is
missing, or the condition is meant to stop the token - which is an incident waiting to
happen at run time rather than a choice. It is refused at deploy, naming the gateway.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from bpmn_engine.model import Gateway, ProcessModel
from bpmn_engine.parser.errors import ERROR, WARNING, DeployIssue


def conditions_on_pass_through_gateways(process: ProcessModel) -> Iterator[DeployIssue]:
    """A gateway with one incoming and one outgoing flow must not have a condition."""
    for node in process.nodes.values():
        if not isinstance(node, Gateway):
            continue
        if len(node.incoming) != 1 or len(node.outgoing) != 1:
            continue
        flow = process.flows.get(node.outgoing[0])
        if flow is None or flow.condition is None:
            continue
        yield DeployIssue(
            f"gateway '{node.id}' has one incoming and one outgoing flow, so it neither "
            f"splits nor merges, yet its outgoing flow '{flow.id}' has a condition",
            node.line,
            node.id,
            severity=ERROR if process.is_executable else WARNING,
        )


GATEWAY_CHECKS: tuple[Callable[[ProcessModel], Iterator[DeployIssue]], ...] = (
    conditions_on_pass_through_gateways,
)
