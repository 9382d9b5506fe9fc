"""Frozen dataclasses, one per BPMN element kind the engine understands.

Class names follow the BPMN tag (``exclusiveGateway`` -> ``ExclusiveGateway``). Attribute
values that may hold expressions (``${initiator}``) are kept as the text the modeler wrote;
the interpreter resolves them against variables at run time, so the model stays a pure
description of the diagram.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from bpmn_engine.model.activities import InputOutput, LoopCharacteristics


def _frozen_map() -> Mapping[str, str]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True, kw_only=True)
class Extensions:
    """Vendor extension data read from ``extensionElements`` and vendor attributes.

    ``properties`` merges ``camunda:properties``, ``zeebe:properties`` and
    ``spiffworkflow:properties``. ``foreign`` lists the qualified names of extension
    elements from vendors the engine does not read: they stay in the stored XML and are
    reported as deploy warnings, never silently dropped.
    """

    properties: Mapping[str, str] = field(default_factory=_frozen_map)
    foreign: tuple[str, ...] = ()


NO_EXTENSIONS = Extensions()


@dataclass(frozen=True, slots=True, kw_only=True)
class Element:
    """Anything in a process with an id; ``line`` points back into the uploaded file."""

    id: str
    name: str = ""
    documentation: str = ""
    line: int | None = None
    extensions: Extensions = NO_EXTENSIONS

    @property
    def label(self) -> str:
        """The name a person sees: the BPMN name, or the id when the modeler gave none."""
        return self.name or self.id


@dataclass(frozen=True, slots=True, kw_only=True)
class SequenceFlow(Element):
    """A directed edge. ``condition`` is the text of ``conditionExpression``, if any."""

    source_id: str
    target_id: str
    condition: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class FlowNode(Element):
    """A node that tokens visit.

    ``scope_id`` is the id of the process or embedded subprocess that directly contains
    the node; ``incoming``/``outgoing`` hold sequence-flow ids in document order, which is
    the order exclusive gateways test their conditions in.
    """

    scope_id: str
    incoming: tuple[str, ...] = ()
    outgoing: tuple[str, ...] = ()
    default_flow: str | None = None
    loop: LoopCharacteristics | None = None
    """Multi-instance or standard loop of an activity (see ``model.activities``)."""
    io: InputOutput | None = None
    """``camunda:inputOutput`` mappings of an activity (see ``model.activities``)."""
    start_quantity: int = 1
    """Tokens an activity waits for before it starts (``startQuantity``)."""
    completion_quantity: int = 1
    """Tokens an activity sends down each outgoing flow when done (``completionQuantity``)."""


# --- events ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class EventDefinition:
    """Base of ``*EventDefinition`` children; an event with none is a "none" event."""

    id: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class TerminateEventDefinition(EventDefinition):
    """Ends every token of the enclosing scope, not only the arriving one."""


@dataclass(frozen=True, slots=True, kw_only=True)
class StartEvent(FlowNode):
    event_definitions: tuple[EventDefinition, ...] = ()
    form_key: str | None = None
    form_fields: tuple[FormField, ...] = ()
    initiator: str | None = None
    """``camunda:initiator``: the variable that receives the starting user's name."""
    interrupting: bool = True
    """``isInterrupting``: only meaningful for the start event of an event subprocess."""
    parallel_multiple: bool = False
    """``parallelMultiple``: with several definitions, all of them must trigger it."""


@dataclass(frozen=True, slots=True, kw_only=True)
class EndEvent(FlowNode):
    event_definitions: tuple[EventDefinition, ...] = ()

    @property
    def terminates(self) -> bool:
        return any(isinstance(d, TerminateEventDefinition) for d in self.event_definitions)


# --- activities -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class FormFieldOption:
    id: str
    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class FormField:
    """One ``camunda:formField``: the engine validates submitted values against it."""

    id: str
    label: str = ""
    type: str = "string"
    """One of string, long, boolean, date, enum (Camunda's built-in form field types)."""
    default_value: str | None = None
    required: bool = False
    readonly: bool = False
    options: tuple[FormFieldOption, ...] = ()
    constraints: Mapping[str, str] = field(default_factory=_frozen_map)


@dataclass(frozen=True, slots=True, kw_only=True)
class Task(FlowNode):
    """A plain ``task``: no wait, no work; the token passes straight through."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ManualTask(Task):
    """Work done outside any system: behaves like a plain task."""


@dataclass(frozen=True, slots=True, kw_only=True)
class UserTask(Task):
    """A wait state for a person. Assignment attributes may contain ``${...}`` templates."""

    assignee: str | None = None
    candidate_users: str | None = None
    candidate_groups: str | None = None
    due_date: str | None = None
    priority: str | None = None
    form_key: str | None = None
    form_fields: tuple[FormField, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceTask(Task):
    """Work done by a handler, run by a Celery worker or by an external worker.

    ``binding`` says how the modeler bound it: ``external`` (``camunda:topic``), ``zeebe``
    (``zeebe:taskDefinition type``), ``class`` / ``delegateExpression`` (mapped to a
    handler name through settings), ``expression`` (evaluated in place by the safe
    evaluator) or ``none`` (no binding: an external task whose topic is the element id).
    ``topic`` is the handler/topic name for every binding but ``expression``.
    """

    binding: str = "none"
    topic: str = ""
    expression: str | None = None
    result_variable: str | None = None
    retry_time_cycle: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class BusinessRuleTask(ServiceTask):
    """Evaluates a DMN decision in place (``binding == "decision"``) and maps its result.

    With ``camunda:class``, an external topic and the like instead of a ``decisionRef``
    it is bound like a service task and runs as one. ``decision_binding`` is Camunda's
    ``decisionRefBinding``: ``latest``, ``deployment`` or ``version`` (with
    ``decision_version``). ``map_decision_result`` is Camunda's ``mapDecisionResult``.
    """

    decision_ref: str = ""
    decision_binding: str = "latest"
    decision_version: int | None = None
    map_decision_result: str = "resultList"


@dataclass(frozen=True, slots=True, kw_only=True)
class SendTask(ServiceTask):
    """Sends a message, bound like a service task.

    With an implementation (``camunda:topic``, ``camunda:class``, ``zeebe:taskDefinition``,
    ...) a handler does the sending, exactly as for a service task. Without one the engine
    sends ``message_name`` (the ``messageRef``'s name) itself, through the same message
    correlation as a message throw event (``binding == "message"``).
    """

    message_name: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ScriptTask(Task):
    """Runs a script in the safe language (``name = expression`` per line)."""

    script: str = ""
    script_format: str = ""
    result_variable: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SubProcess(FlowNode):
    """An embedded subprocess: its children live in a scope with its own variables."""

    data_objects: tuple[str, ...] = ()
    """Names of the ``dataObject``s declared directly inside: variables local to each
    activation of the subprocess (BPMN 2.0 section 10.4.1: a data object lives as long
    as the scope that declares it)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class AdHocSubProcess(SubProcess):
    """``adHocSubProcess`` (BPMN 2.0 section 10.3.5): its activities have no required
    order; the ones without incoming flows are enabled when it starts.

    ``ordering`` is ``Parallel`` (the enabled activities all run at once) or
    ``Sequential`` (one at a time). ``completion_condition`` is evaluated whenever an
    inner path ends; ``cancel_remaining_instances`` says whether activities still running
    then are cancelled (true, the default) or allowed to finish. How it runs is
    described in ``interpreter/behaviors/adhoc.py``.
    """

    ordering: str = "Parallel"
    completion_condition: str | None = None
    cancel_remaining_instances: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class VariableMapping:
    """One ``camunda:in``/``camunda:out`` (or ``zeebe:input``/``zeebe:output``) mapping.

    ``all_variables`` is ``variables="all"``: every variable is copied (``local`` limits
    that to the local variables of the call activity's scope). Otherwise the value is the
    variable ``source`` or the expression ``source_expression``, written as ``target``.
    """

    source: str | None = None
    source_expression: str | None = None
    target: str | None = None
    all_variables: bool = False
    local: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class CallActivity(FlowNode):
    """Starts another process (``called_element``, a key or a ``${...}`` template) and waits.

    ``binding`` is Camunda's ``calledElementBinding``: ``latest``, ``deployment`` (the
    caller's own deployment) or ``version`` (``version``, a number or a template).
    ``business_key`` is the ``camunda:in businessKey`` template, if any.
    """

    called_element: str = ""
    binding: str = "latest"
    version: str | None = None
    in_mappings: tuple[VariableMapping, ...] = ()
    out_mappings: tuple[VariableMapping, ...] = ()
    business_key: str | None = None


# --- recognised, not executable yet ---------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class UnsupportedNode(FlowNode):
    """A BPMN flow node the engine recognises but cannot run yet (e.g. a boundary event).

    It exists so a *non-executable* process keeps a complete graph for viewing; the parser
    refuses any executable process that contains one, so the interpreter never meets it.
    ``kind`` is the BPMN tag; ``feature`` names what makes it unsupported when the tag
    itself is supported (``"timerEventDefinition"`` on a ``startEvent``).
    """

    kind: str
    feature: str = ""
