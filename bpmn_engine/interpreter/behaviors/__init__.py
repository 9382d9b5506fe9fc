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

from bpmn_engine.interpreter.behaviors.base import (
    Behavior,
    PassThroughBehavior,
    WaitStateBehavior,
)
from bpmn_engine.interpreter.behaviors.events import EndEventBehavior, StartEventBehavior
from bpmn_engine.interpreter.behaviors.gateways import (
    ExclusiveGatewayBehavior,
    ParallelGatewayBehavior,
)
from bpmn_engine.interpreter.behaviors.subprocess import SubProcessBehavior
from bpmn_engine.interpreter.behaviors.tasks import (
    ScriptTaskBehavior,
    ServiceTaskBehavior,
    TaskBehavior,
    UserTaskBehavior,
)
from bpmn_engine.interpreter.context import ElementError
from bpmn_engine.model import (
    EndEvent,
    ExclusiveGateway,
    FlowNode,
    ManualTask,
    ParallelGateway,
    ScriptTask,
    ServiceTask,
    StartEvent,
    SubProcess,
    Task,
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
    EndEvent: EndEventBehavior(),
    ExclusiveGateway: ExclusiveGatewayBehavior(),
    ParallelGateway: ParallelGatewayBehavior(),
    Task: TaskBehavior(),
    ManualTask: TaskBehavior(),
    UserTask: UserTaskBehavior(),
    ServiceTask: ServiceTaskBehavior(),
    ScriptTask: ScriptTaskBehavior(),
    SubProcess: SubProcessBehavior(),
}

UNSUPPORTED = UnsupportedBehavior()


def behavior_for(node: FlowNode) -> Behavior:
    """The behavior registered for the node's exact class, else ``UNSUPPORTED``."""
    return BEHAVIORS.get(type(node), UNSUPPORTED)


__all__ = [
    "BEHAVIORS",
    "Behavior",
    "PassThroughBehavior",
    "UNSUPPORTED",
    "UnsupportedBehavior",
    "WaitStateBehavior",
    "behavior_for",
]
