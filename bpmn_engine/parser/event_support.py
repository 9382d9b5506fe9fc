"""Which event definitions each event tag runs with (the rest is "not supported yet").

Kept apart from ``support.py`` so the events work can grow the table without touching
the shared checks. Compensation and cancel (transaction) events stay unsupported.
"""

from __future__ import annotations

from lxml import etree

from bpmn_engine.parser.namespaces import elements, is_bpmn, local_name

_TIMER = "timerEventDefinition"
_MESSAGE = "messageEventDefinition"
_SIGNAL = "signalEventDefinition"
_ERROR = "errorEventDefinition"
_TERMINATE = "terminateEventDefinition"
_ESCALATION = "escalationEventDefinition"
_LINK = "linkEventDefinition"

SUPPORTED_DEFINITIONS: dict[str, frozenset[str]] = {
    "startEvent": frozenset({_TIMER, _MESSAGE, _SIGNAL}),
    "endEvent": frozenset({_TERMINATE, _ERROR, _MESSAGE, _SIGNAL, _ESCALATION}),
    "intermediateCatchEvent": frozenset({_TIMER, _MESSAGE, _SIGNAL, _LINK}),
    "intermediateThrowEvent": frozenset({_MESSAGE, _SIGNAL, _ESCALATION, _LINK}),
    "boundaryEvent": frozenset({_TIMER, _MESSAGE, _SIGNAL, _ERROR, _ESCALATION}),
}
"""Per tag, the definitions that run. No definition at all is a none event."""

EVENT_SUBPROCESS_STARTS = frozenset({_TIMER, _MESSAGE, _SIGNAL, _ERROR, _ESCALATION})


def event_definitions(el: etree._Element) -> list[str]:
    return [
        local_name(child)
        for child in elements(el)
        if is_bpmn(child)
        and (
            local_name(child).endswith("EventDefinition")
            or local_name(child) == "eventDefinitionRef"
        )
    ]


def _in_embedded_subprocess(el: etree._Element) -> bool:
    parent = el.getparent()
    return parent is not None and is_bpmn(parent, "subProcess", "transaction", "adHocSubProcess")


def unsupported_event_definition(el: etree._Element) -> str | None:
    """The first definition ``el`` uses that does not run, or None."""
    tag = local_name(el)
    definitions = event_definitions(el)
    if len(definitions) > 1:
        return "multiple event definitions"
    if not definitions:
        if tag in ("intermediateCatchEvent", "boundaryEvent"):
            return "no event definition"
        return None
    if tag == "startEvent" and _in_embedded_subprocess(el):
        parent = el.getparent()
        if parent is None or parent.get("triggeredByEvent") != "true":
            return definitions[0]  # only event subprocesses start on an event
        if definitions[0] not in EVENT_SUBPROCESS_STARTS:
            return definitions[0]
        return _empty_timer(el)
    supported = SUPPORTED_DEFINITIONS.get(tag, frozenset())
    if definitions[0] not in supported:
        return definitions[0]
    return _empty_timer(el)


def _empty_timer(el: etree._Element) -> str | None:
    """A timer drawn without a value (modelling tools leave it empty) cannot be scheduled."""
    for child in elements(el):
        if is_bpmn(child, "timerEventDefinition"):
            values = [c for c in elements(child) if is_bpmn(c) and (c.text or "").strip()]
            if not values:
                return "timerEventDefinition without a value"
    return None
