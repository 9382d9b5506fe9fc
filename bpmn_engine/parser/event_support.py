"""Which event definitions each event tag runs with (the rest is "not supported yet").

Kept apart from ``support.py`` so the events work can grow the table without touching
the shared checks. Compensation and cancel events run (behaviors/compensation.py,
behaviors/transaction.py), compensation start events too when their event subprocess
sits in a subprocess (it is then that subprocess's compensation handler).
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
_COMPENSATE = "compensateEventDefinition"  # behaviors/compensation.py
_CANCEL = "cancelEventDefinition"  # behaviors/transaction.py
_CONDITIONAL = "conditionalEventDefinition"  # run by interpreter/conditions.py

SUPPORTED_DEFINITIONS: dict[str, frozenset[str]] = {
    "startEvent": frozenset({_TIMER, _MESSAGE, _SIGNAL, _CONDITIONAL}),  # conditional:
    # process level only (services/events/conditions.py); event subprocesses: below
    "endEvent": frozenset(
        {_TERMINATE, _ERROR, _MESSAGE, _SIGNAL, _ESCALATION, _COMPENSATE, _CANCEL}
    ),
    "intermediateCatchEvent": frozenset({_TIMER, _MESSAGE, _SIGNAL, _LINK, _CONDITIONAL}),
    "intermediateThrowEvent": frozenset({_MESSAGE, _SIGNAL, _ESCALATION, _LINK, _COMPENSATE}),
    "boundaryEvent": frozenset(
        {_TIMER, _MESSAGE, _SIGNAL, _ERROR, _ESCALATION, _CONDITIONAL, _COMPENSATE, _CANCEL}
    ),
}
"""Per tag, the definitions that run. No definition at all is a none event."""

EVENT_SUBPROCESS_STARTS = frozenset({_TIMER, _MESSAGE, _SIGNAL, _ERROR, _ESCALATION, _CONDITIONAL})


def event_definitions(el: etree._Element) -> list[str]:
    """The kinds of el's event definitions; an ``eventDefinitionRef`` counts as the kind
    it refers to (a ref to nothing is reported by the builder)."""
    from bpmn_engine.parser.builders.event_definitions import referenced_definition

    kinds = []
    for child in elements(el):
        if is_bpmn(child, "eventDefinitionRef"):
            target = referenced_definition(el, child)
            if target is not None:
                kinds.append(local_name(target))
        elif is_bpmn(child) and local_name(child).endswith("EventDefinition"):
            kinds.append(local_name(child))
    return kinds


def _dangling_ref(el: etree._Element) -> bool:
    from bpmn_engine.parser.builders.event_definitions import referenced_definition

    return any(
        referenced_definition(el, child) is None
        for child in elements(el)
        if is_bpmn(child, "eventDefinitionRef")
    )


def _in_embedded_subprocess(el: etree._Element) -> bool:
    parent = el.getparent()
    return parent is not None and is_bpmn(parent, "subProcess", "transaction", "adHocSubProcess")


def unsupported_event_definition(el: etree._Element) -> str | None:
    """The first definition ``el`` uses that does not run, or None."""
    tag = local_name(el)
    if _dangling_ref(el):
        return None  # the builder reports the ref to nothing, naming it
    definitions = event_definitions(el)
    if len(definitions) > 1:
        return _multiple(el, tag, definitions)
    if not definitions:
        if tag in ("intermediateCatchEvent", "boundaryEvent"):
            return "no event definition"
        return None
    if tag == "startEvent" and _in_embedded_subprocess(el):
        parent = el.getparent()
        if parent is None or parent.get("triggeredByEvent") != "true":
            return definitions[0]  # only event subprocesses start on an event
        if definitions[0] == _COMPENSATE:
            return None if _in_embedded_subprocess(parent) else _COMPENSATE
        if definitions[0] not in EVENT_SUBPROCESS_STARTS:
            return definitions[0]
        return _empty_timer(el)
    supported = SUPPORTED_DEFINITIONS.get(tag, frozenset())
    if definitions[0] not in supported:
        return definitions[0]
    if definitions[0] == _CANCEL and not _cancel_in_transaction(el):
        return _CANCEL  # only a transaction can be cancelled (BPMN 2.0 section 10.5.6)
    return _empty_timer(el)


def _cancel_in_transaction(el: etree._Element) -> bool:
    """A cancel end event directly in a transaction, or a cancel boundary on one."""
    if local_name(el) != "boundaryEvent":
        parent = el.getparent()
        return parent is not None and is_bpmn(parent, "transaction")
    ref = el.get("attachedToRef")
    root = el.getroottree().getroot()
    return any(is_bpmn(c, "transaction") and c.get("id") == ref for c in root.iter())


MULTIPLE_CATCH = frozenset({_TIMER, _MESSAGE, _SIGNAL})
"""Definitions a multiple catch event (or boundary) combines: any one of them fires it."""
MULTIPLE_START = frozenset({_MESSAGE, _SIGNAL})
"""Definitions a parallel multiple process start combines: all of them start it."""
MULTIPLE_THROW = frozenset({_MESSAGE, _SIGNAL})
"""Definitions a multiple intermediate throw event combines: all of them are thrown."""


def _multiple(el: etree._Element, tag: str, definitions: list[str]) -> str | None:
    """BPMN 2.0 10.5.1: a catch event with several definitions is triggered by any one
    of them, or, with ``parallelMultiple``, only once all of them have triggered
    (``behaviors/parallel_multiple.py``); a throw throws them all. A start event with
    several definitions runs only as ``parallelMultiple`` at process level; mixes with
    other kinds are not run yet."""
    parallel = el.get("parallelMultiple", "false").strip() in ("true", "1")
    if tag in ("intermediateCatchEvent", "boundaryEvent") and set(definitions) <= MULTIPLE_CATCH:
        return _empty_timer(el)
    if tag == "startEvent" and parallel and not _in_embedded_subprocess(el):
        if set(definitions) <= MULTIPLE_START:
            return None
    if tag == "intermediateThrowEvent" and set(definitions) <= MULTIPLE_THROW:
        return None
    return "multiple event definitions"


def _empty_timer(el: etree._Element) -> str | None:
    """A start timer drawn without a value (modelling tools leave it empty) would never
    start anything. A catch or boundary timer without one waits forever instead (a
    deploy warning, ``event_validation.timer_values``)."""
    if local_name(el) in ("intermediateCatchEvent", "boundaryEvent"):
        return None
    for child in elements(el):
        if is_bpmn(child, "timerEventDefinition"):
            values = [c for c in elements(child) if is_bpmn(c) and (c.text or "").strip()]
            if not values:
                return "timerEventDefinition without a value"
    return None
