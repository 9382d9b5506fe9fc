"""Reading ``*EventDefinition`` children into model definitions.

Refs (``messageRef``, ``signalRef``, ``errorRef``, ``escalationRef``) point at root-level
elements of the same file; they are resolved here to the names the runtime correlates by,
so the model never needs the root elements again. A ref to nothing is a deploy error.
"""

from __future__ import annotations

from lxml import etree

from bpmn_engine.model import (
    ConditionalEventDefinition,
    ErrorEventDefinition,
    EscalationEventDefinition,
    EventDefinition,
    LinkEventDefinition,
    MessageEventDefinition,
    SignalEventDefinition,
    TerminateEventDefinition,
    TimerEventDefinition,
)
from bpmn_engine.parser.builders.common import text_of
from bpmn_engine.parser.builders.compensation import cancel_definition, compensate_definition
from bpmn_engine.parser.errors import Issues
from bpmn_engine.parser.namespaces import (
    CAMUNDA_NAMESPACES,
    ZEEBE,
    bpmn,
    bpmn_children,
    elements,
    is_bpmn,
    local_name,
)

TIMER_TYPES = {"timeDate": "date", "timeDuration": "duration", "timeCycle": "cycle"}


def root_element(el: etree._Element, tag: str, ref: str) -> etree._Element | None:
    """The root-level ``<bpmn:tag id=ref>`` of el's document, if any."""
    root = el.getroottree().getroot()
    for candidate in root.iter(bpmn(tag)):
        if candidate.get("id") == ref:
            return candidate
    return None


def zeebe_correlation_key(message: etree._Element | None) -> str:
    """The ``correlationKey`` of a message's ``zeebe:subscription`` (Camunda 8 puts it on
    the message, not on the event): the FEEL expression each catching subscription
    evaluates when it opens. Empty when there is none."""
    if message is None:
        return ""
    for container in bpmn_children(message, "extensionElements"):
        for child in container.iterchildren(f"{{{ZEEBE}}}subscription"):
            return (child.get("correlationKey") or "").strip()
    return ""


def _camunda(el: etree._Element, name: str) -> str:
    """A ``camunda:`` (or legacy ``activiti:``) attribute of ``el``, stripped."""
    for namespace in CAMUNDA_NAMESPACES:
        value = el.get(f"{{{namespace}}}{name}")
        if value:
            return value.strip()
    return ""


def _error(el: etree._Element, definition: etree._Element, issues: Issues) -> EventDefinition:
    """The error's code and message (``errorMessage``, Camunda's ``camunda:errorMessage``)
    for a thrower; the variables a catcher stores them in (``camunda:errorCodeVariable``,
    ``camunda:errorMessageVariable``)."""
    error = _resolve(el, definition, "errorRef", "error", issues)
    code = message = None
    if error is not None:
        code = error.get("errorCode") or error.get("name") or None
        message = error.get("errorMessage") or _camunda(error, "errorMessage") or None
    return ErrorEventDefinition(
        id=definition.get("id", ""),
        error_ref=definition.get("errorRef", ""),
        error_code=code,
        error_message=message,
        code_variable=_camunda(definition, "errorCodeVariable"),
        message_variable=_camunda(definition, "errorMessageVariable"),
    )


def _resolve(
    el: etree._Element, definition: etree._Element, attr: str, tag: str, issues: Issues
) -> etree._Element | None:
    ref = definition.get(attr, "")
    if not ref:
        return None
    found = root_element(el, tag, ref)
    if found is None:
        issues.error(
            f"{local_name(definition)} of '{el.get('id')}' refers to {tag} '{ref}', "
            "which does not exist",
            definition,
            el.get("id"),
        )
    return found


def _timer(el: etree._Element, definition: etree._Element, issues: Issues) -> EventDefinition:
    for child in elements(definition):
        if is_bpmn(child) and local_name(child) in TIMER_TYPES:
            return TimerEventDefinition(
                id=definition.get("id", ""),
                timer_type=TIMER_TYPES[local_name(child)],
                value=text_of(child),
            )
    if local_name(el) in ("intermediateCatchEvent", "boundaryEvent"):
        # drawn without a value: it never fires (a warning, event_validation.timer_values)
        return TimerEventDefinition(id=definition.get("id", ""), timer_type="date", value="")
    issues.error(
        f"timer of '{el.get('id')}' has no timeDate, timeDuration or timeCycle",
        definition,
        el.get("id"),
    )
    return TimerEventDefinition(id=definition.get("id", ""), timer_type="date", value="")


def _one(el: etree._Element, definition: etree._Element, issues: Issues) -> EventDefinition | None:
    kind, def_id = local_name(definition), definition.get("id", "")
    if kind == "timerEventDefinition":
        return _timer(el, definition, issues)
    if kind == "messageEventDefinition":
        message = _resolve(el, definition, "messageRef", "message", issues)
        name = message.get("name") or message.get("id", "") if message is not None else ""
        return MessageEventDefinition(
            id=def_id,
            message_ref=definition.get("messageRef", ""),
            message_name=name or "",
            correlation_key=zeebe_correlation_key(message),
        )
    if kind == "signalEventDefinition":
        signal = _resolve(el, definition, "signalRef", "signal", issues)
        name = signal.get("name") or signal.get("id", "") if signal is not None else ""
        return SignalEventDefinition(
            id=def_id, signal_ref=definition.get("signalRef", ""), signal_name=name or ""
        )
    if kind == "errorEventDefinition":
        return _error(el, definition, issues)
    if kind == "escalationEventDefinition":
        esc = _resolve(el, definition, "escalationRef", "escalation", issues)
        code = (esc.get("escalationCode") or esc.get("name") or None) if esc is not None else None
        return EscalationEventDefinition(
            id=def_id, escalation_ref=definition.get("escalationRef", ""), escalation_code=code
        )
    if kind == "conditionalEventDefinition":
        conditions = bpmn_children(definition, "condition")
        condition = text_of(conditions[0]) if conditions else ""
        return ConditionalEventDefinition(id=def_id, condition=condition)
    if kind == "linkEventDefinition":
        return LinkEventDefinition(id=def_id, link_name=definition.get("name", ""))
    if kind == "terminateEventDefinition":
        return TerminateEventDefinition(id=def_id)
    if kind == "compensateEventDefinition":
        return compensate_definition(el, definition, issues)
    if kind == "cancelEventDefinition":
        return cancel_definition(el, definition, issues)
    return None


def read_event_definitions(el: etree._Element, issues: Issues) -> tuple[EventDefinition, ...]:
    """Every definition the engine knows; unknown ones are refused earlier (support.py)."""
    found: list[EventDefinition] = []
    for child in elements(el):
        source: etree._Element | None = child
        if is_bpmn(child, "eventDefinitionRef"):  # events2: definitions-level, by id
            source = referenced_definition(el, child, issues)
        if (
            source is not None
            and is_bpmn(source)
            and local_name(source).endswith("EventDefinition")
        ):
            definition = _one(el, source, issues)
            if definition is not None:
                found.append(definition)
    return tuple(found)


def referenced_definition(
    el: etree._Element, ref: etree._Element, issues: Issues | None = None
) -> etree._Element | None:
    """The ``<definitions>``-level event definition an ``eventDefinitionRef`` names (BPMN
    2.0 10.5.1: an event uses its own definitions or reusable ones declared at the top).
    A ref to nothing is a deploy error naming the event."""
    target = (ref.text or "").strip().rpartition(":")[2]
    root = el.getroottree().getroot()
    for candidate in elements(root):
        if candidate.get("id") == target and local_name(candidate).endswith("EventDefinition"):
            return candidate
    if issues is not None:
        issues.error(
            f"eventDefinitionRef of '{el.get('id')}' refers to '{target}', which is no "
            "event definition declared in the definitions",
            ref,
            el.get("id"),
        )
    return None
