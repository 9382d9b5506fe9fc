"""The events a multi-instance activity throws as its instances complete.

``noneBehaviorEventRef``/``oneBehaviorEventRef`` name an event definition by id (usually
declared at the top of the file, BPMN 2.0 section 10.3.8); a
``complexBehaviorDefinition`` holds a condition and an implicit throw event with its own
definitions. Only definitions a boundary event can catch by name are accepted: signal,
message, error and escalation. Reading them reuses ``event_definitions``, so refs
(``signalRef``...) resolve exactly as they do for events.
"""

from __future__ import annotations

from typing import Protocol

from lxml import etree

from bpmn_engine.model import (
    ComplexBehavior,
    ErrorEventDefinition,
    EscalationEventDefinition,
    EventDefinition,
    MessageEventDefinition,
    SignalEventDefinition,
)
from bpmn_engine.parser.builders.event_definitions import read_event_definitions
from bpmn_engine.parser.errors import Issues
from bpmn_engine.parser.namespaces import bpmn_children, local_name, text_content

THROWABLE = (
    SignalEventDefinition,
    MessageEventDefinition,
    ErrorEventDefinition,
    EscalationEventDefinition,
)


class Reporter(Protocol):
    """Reports against the multi-instance activity (``loops._Checker``)."""

    def error(self, message: str) -> None: ...

    def expression(self, what: str, source: str | None) -> None: ...


def definition_ref(el: etree._Element, attribute: str) -> tuple[str, str] | None:
    """``(attribute, id)`` of a behavior event ref (a QName: any prefix is dropped)."""
    value = (el.get(attribute) or "").strip()
    return (attribute, value.rpartition(":")[2]) if value else None


def behavior_event(
    el: etree._Element, ref: tuple[str, str] | None, check: Reporter
) -> EventDefinition | None:
    """The event definition ``ref`` names, or None; a ref to nothing is an error."""
    if ref is None:
        return None
    attribute, target = ref
    for candidate in el.getroottree().getroot().iter():
        parent = candidate.getparent()
        if (
            parent is not None
            and isinstance(candidate.tag, str)
            and candidate.get("id") == target
            and local_name(candidate).endswith("EventDefinition")
        ):
            scratch = Issues()  # siblings' problems are reported where they are declared
            read = read_event_definitions(parent, scratch)
            found = next((d for d in read if d.id == target), None)
            return _throwable(found, f"{attribute} '{target}'", local_name(candidate), check)
    check.error(f"{attribute} refers to '{target}', which is no event definition in the file")
    return None


def complex_behaviors(el: etree._Element, check: Reporter) -> tuple[ComplexBehavior, ...]:
    """Each ``complexBehaviorDefinition``: its condition (required) and thrown events."""
    found: list[ComplexBehavior] = []
    for definition in bpmn_children(el, "complexBehaviorDefinition"):
        conditions = bpmn_children(definition, "condition")
        # Zeebe's '=' marker stays: it makes compile_expression read the text as FEEL
        condition = text_content(conditions[0]).strip() if conditions else ""
        if not condition:
            check.error("complexBehaviorDefinition needs a condition")
            continue
        check.expression("condition of complexBehaviorDefinition", condition)
        events: list[EventDefinition] = []
        for event in bpmn_children(definition, "event"):
            scratch = Issues()
            for thrown in read_event_definitions(event, scratch):
                name = type(thrown).__name__
                kind = name[:1].lower() + name[1:]
                checked = _throwable(thrown, "complexBehaviorDefinition event", kind, check)
                if checked is not None:
                    events.append(checked)
            for message in [issue.message for issue in scratch.errors]:
                check.error(f"complexBehaviorDefinition event: {message}")
        found.append(ComplexBehavior(condition=condition, events=tuple(events)))
    return tuple(found)


def _throwable(
    definition: EventDefinition | None, what: str, kind: str, check: Reporter
) -> EventDefinition | None:
    """The definition if a boundary event can catch it, else None with an error."""
    if not isinstance(definition, THROWABLE):
        check.error(
            f"{what} names a {kind}, which cannot be thrown to a boundary event "
            "(use a signal, message, error or escalation)"
        )
        return None
    name = getattr(definition, "signal_name", None) or getattr(definition, "message_name", None)
    if isinstance(definition, SignalEventDefinition | MessageEventDefinition) and not name:
        check.error(f"{what} names a {kind} whose signal or message does not exist")
        return None
    return definition
