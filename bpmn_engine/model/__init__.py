"""The immutable process model: what a parsed BPMN diagram *is*, with no behavior.

The parser builds it once per deployed definition; the interpreter only reads it.
Nothing here imports Django, so the model can be built and tested without a database.
"""

from bpmn_engine.model.definitions import (
    Collaboration,
    Definitions,
    Import,
    Message,
    Participant,
)
from bpmn_engine.model.elements import (
    Element,
    EndEvent,
    EventDefinition,
    ExclusiveGateway,
    Extensions,
    FlowNode,
    FormField,
    FormFieldOption,
    Gateway,
    ManualTask,
    ParallelGateway,
    ScriptTask,
    SequenceFlow,
    ServiceTask,
    StartEvent,
    SubProcess,
    Task,
    TerminateEventDefinition,
    UnsupportedNode,
    UserTask,
)
from bpmn_engine.model.process import Lane, ProcessModel

__all__ = [
    "Collaboration",
    "Definitions",
    "Element",
    "EndEvent",
    "EventDefinition",
    "ExclusiveGateway",
    "Extensions",
    "FlowNode",
    "FormField",
    "FormFieldOption",
    "Gateway",
    "Import",
    "Lane",
    "ManualTask",
    "Message",
    "ParallelGateway",
    "Participant",
    "ProcessModel",
    "ScriptTask",
    "SequenceFlow",
    "ServiceTask",
    "StartEvent",
    "SubProcess",
    "Task",
    "TerminateEventDefinition",
    "UnsupportedNode",
    "UserTask",
]
