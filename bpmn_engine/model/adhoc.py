"""Which activities of an ad-hoc subprocess are enabled when it starts.

Kept next to the model because the parser (a deploy check) and the interpreter (the
behavior) must agree on it exactly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bpmn_engine.model.compensation import CompensateEventDefinition
from bpmn_engine.model.elements import CallActivity, FlowNode, SubProcess, Task
from bpmn_engine.model.events import BoundaryEvent, EventSubProcess

if TYPE_CHECKING:
    from bpmn_engine.model.process import ProcessModel


def enabled_activities(process: ProcessModel, adhoc_id: str) -> tuple[FlowNode, ...]:
    """The activities directly inside ``adhoc_id`` with no incoming flow, in document
    order (BPMN 2.0 section 10.3.5, Ad-Hoc Sub-Process).

    Events, gateways, event subprocesses and compensation handlers are never enabled:
    an event or gateway inside runs only when a flow reaches it, an event subprocess
    starts on its event, and a handler only when compensation is thrown.
    """
    children = process.children(adhoc_id)
    handlers = {
        definition.handler
        for node in children
        if isinstance(node, BoundaryEvent)
        for definition in node.event_definitions
        if isinstance(definition, CompensateEventDefinition)
    }
    return tuple(
        node
        for node in children
        if isinstance(node, Task | SubProcess | CallActivity)
        and not isinstance(node, EventSubProcess)
        and not node.incoming
        and node.id not in handlers
    )
