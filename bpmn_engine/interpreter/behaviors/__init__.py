"""The behavior registry: one behavior per element kind, keyed by model class.

Adding an element kind means writing one small class with ``enter`` (plus ``complete``
and ``cancel`` for a wait state) and adding it to ``BEHAVIORS``. Lookup is by exact class:
a new model subclass of ``Task`` must not silently run as a plain task. A node of a kind
with no behavior gets ``UnsupportedBehavior``, which raises an incident when a token
reaches it instead of refusing the whole model.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from bpmn_engine.interpreter.behaviors.adhoc import AdHocSubProcessBehavior
from bpmn_engine.interpreter.behaviors.base import (
    Behavior,
    PassThroughBehavior,
    WaitStateBehavior,
)
from bpmn_engine.interpreter.behaviors.boundary import BoundaryEventBehavior
from bpmn_engine.interpreter.behaviors.business_rule import BusinessRuleTaskBehavior
from bpmn_engine.interpreter.behaviors.call_activity import CallActivityBehavior
from bpmn_engine.interpreter.behaviors.catch import (
    CatchEventBehavior,
    EventBasedGatewayBehavior,
    ReceiveTaskBehavior,
)
from bpmn_engine.interpreter.behaviors.compensating_throw import (
    CompensatingEndEventBehavior,
    CompensatingThrowEventBehavior,
)
from bpmn_engine.interpreter.behaviors.complex import ComplexGatewayBehavior
from bpmn_engine.interpreter.behaviors.event_subprocess import EventSubProcessBehavior
from bpmn_engine.interpreter.behaviors.events import StartEventBehavior
from bpmn_engine.interpreter.behaviors.gateways import (
    ExclusiveGatewayBehavior,
    ParallelGatewayBehavior,
)
from bpmn_engine.interpreter.behaviors.inclusive import InclusiveGatewayBehavior
from bpmn_engine.interpreter.behaviors.loop_body import LoopBehavior
from bpmn_engine.interpreter.behaviors.send import SendTaskBehavior
from bpmn_engine.interpreter.behaviors.subprocess import SubProcessBehavior
from bpmn_engine.interpreter.behaviors.tasks import (
    ScriptTaskBehavior,
    ServiceTaskBehavior,
    TaskBehavior,
    UserTaskBehavior,
)
from bpmn_engine.interpreter.context import ElementError
from bpmn_engine.model import (
    AdHocSubProcess,
    BoundaryEvent,
    BusinessRuleTask,
    CallActivity,
    ComplexGateway,
    EndEvent,
    EventBasedGateway,
    EventSubProcess,
    ExclusiveGateway,
    FlowNode,
    InclusiveGateway,
    IntermediateCatchEvent,
    IntermediateThrowEvent,
    ManualTask,
    ParallelGateway,
    ReceiveTask,
    ScriptTask,
    SendTask,
    ServiceTask,
    StartEvent,
    SubProcess,
    Task,
    Transaction,
    UserTask,
)

if TYPE_CHECKING:
    from bpmn_engine.interpreter.context import Context
    from bpmn_engine.interpreter.state import Token


class UnsupportedBehavior:
    """For node kinds the interpreter cannot run yet: an incident, not a crash."""

    __slots__ = ()

    def enter(self, ctx: Context, token: Token) -> None:
        node = ctx.node(token)
        raise ElementError(
            f"Element '{node.id}' is a {type(node).__name__}, which the engine cannot run"
        )


BEHAVIORS: Mapping[type[FlowNode], Behavior] = {
    StartEvent: StartEventBehavior(),
    EndEvent: CompensatingEndEventBehavior(),
    IntermediateCatchEvent: CatchEventBehavior(),
    IntermediateThrowEvent: CompensatingThrowEventBehavior(),
    BoundaryEvent: BoundaryEventBehavior(),
    ReceiveTask: ReceiveTaskBehavior(),
    EventBasedGateway: EventBasedGatewayBehavior(),
    ExclusiveGateway: ExclusiveGatewayBehavior(),
    ParallelGateway: ParallelGatewayBehavior(),
    InclusiveGateway: InclusiveGatewayBehavior(),
    ComplexGateway: ComplexGatewayBehavior(),
    Task: TaskBehavior(),
    ManualTask: TaskBehavior(),
    UserTask: UserTaskBehavior(),
    ServiceTask: ServiceTaskBehavior(),
    SendTask: SendTaskBehavior(),
    BusinessRuleTask: BusinessRuleTaskBehavior(),
    ScriptTask: ScriptTaskBehavior(),
    SubProcess: SubProcessBehavior(),
    Transaction: SubProcessBehavior(),
    AdHocSubProcess: AdHocSubProcessBehavior(),
    EventSubProcess: EventSubProcessBehavior(),
    CallActivity: CallActivityBehavior(),
}

UNSUPPORTED = UnsupportedBehavior()


def behavior_for(node: FlowNode) -> Behavior:
    """The behavior registered for the node's exact class, else ``UNSUPPORTED``.

    An activity with loop characteristics, ``camunda:inputOutput`` or token quantities
    other than 1 gets its behavior wrapped in ``LoopBehavior``, whatever its kind.
    """
    behavior = BEHAVIORS.get(type(node), UNSUPPORTED)
    scoped = node.loop is not None or node.io is not None
    quantities = node.start_quantity > 1 or node.completion_quantity > 1
    if (scoped or quantities) and behavior is not UNSUPPORTED:
        return LoopBehavior(behavior)
    return behavior


__all__ = [
    "BEHAVIORS",
    "Behavior",
    "PassThroughBehavior",
    "UNSUPPORTED",
    "UnsupportedBehavior",
    "WaitStateBehavior",
    "behavior_for",
]
