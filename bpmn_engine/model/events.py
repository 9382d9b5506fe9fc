"""Event definitions and the event-related node kinds (boundary, intermediate, receive).

An event's behavior is decided by its definitions: a timer definition makes a catch event
wait for a due time, a message definition for a correlated message, and so on. Names
(message, signal) are resolved from their refs by the parser, so the interpreter and the
runtime correlate by name alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from bpmn_engine.model.elements import EventDefinition, FlowNode, SubProcess, Task
from bpmn_engine.model.gateways import Gateway


@dataclass(frozen=True, slots=True, kw_only=True)
class TimerEventDefinition(EventDefinition):
    """``timer_type`` is date, duration or cycle; ``value`` the ISO 8601 (or cron) text,
    possibly a ``${...}`` template resolved when the timer is scheduled."""

    timer_type: str
    value: str


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageEventDefinition(EventDefinition):
    message_ref: str = ""
    message_name: str = ""
    correlation_key: str = ""
    """Zeebe's ``zeebe:subscription correlationKey`` (FEEL, ``= orderId``) on the message:
    evaluated when the subscription opens; empty when the message has none."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SignalEventDefinition(EventDefinition):
    signal_ref: str = ""
    signal_name: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ErrorEventDefinition(EventDefinition):
    """``error_code`` None on a catch event catches every error."""

    error_ref: str = ""
    error_code: str | None = None
    error_message: str | None = None
    """The error's ``errorMessage`` (or ``camunda:errorMessage``): thrown with the code."""
    code_variable: str = ""
    """On a catch: ``camunda:errorCodeVariable``, the variable the caught code is set in."""
    message_variable: str = ""
    """On a catch: ``camunda:errorMessageVariable``, likewise for the error's message."""


@dataclass(frozen=True, slots=True, kw_only=True)
class EscalationEventDefinition(EventDefinition):
    escalation_ref: str = ""
    escalation_code: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ConditionalEventDefinition(EventDefinition):
    condition: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkEventDefinition(EventDefinition):
    link_name: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class BoundaryEvent(FlowNode):
    """Attached to an activity: listens while the activity runs.

    ``cancel_activity`` (interrupting) ends the activity and everything inside it when
    the event fires; otherwise a new token leaves the boundary and the activity goes on.
    """

    attached_to: str
    cancel_activity: bool = True
    event_definitions: tuple[EventDefinition, ...] = ()
    parallel_multiple: bool = False
    """``parallelMultiple``: with several definitions, all of them must trigger it."""


@dataclass(frozen=True, slots=True, kw_only=True)
class IntermediateCatchEvent(FlowNode):
    event_definitions: tuple[EventDefinition, ...] = ()
    parallel_multiple: bool = False
    """``parallelMultiple``: with several definitions, all of them must trigger it."""


@dataclass(frozen=True, slots=True, kw_only=True)
class IntermediateThrowEvent(FlowNode):
    event_definitions: tuple[EventDefinition, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ReceiveTask(Task):
    """Waits for a message, like a message catch event."""

    message_name: str = ""
    correlation_key: str = ""
    """As on ``MessageEventDefinition``: the message's Zeebe correlation key expression."""
    instantiate: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class EventBasedGateway(Gateway):
    """Waits for the first of the events that follow it; the others are cancelled."""


@dataclass(frozen=True, slots=True, kw_only=True)
class EventSubProcess(SubProcess):
    """A subprocess with ``triggeredByEvent``: no flows lead to it; its start event's
    trigger starts it inside the enclosing scope, interrupting that scope or not."""


def first_definition(node: FlowNode) -> EventDefinition | None:
    """The (first) event definition of an event node, None for a none event."""
    definitions: tuple[EventDefinition, ...] = getattr(node, "event_definitions", ())
    return definitions[0] if definitions else None
