"""The events a multi-instance activity throws as its instances complete (its
``behavior``, BPMN 2.0 section 10.3.8).

``None`` throws ``noneBehaviorEventRef`` after every instance, ``One`` throws
``oneBehaviorEventRef`` after the first, ``Complex`` throws the events of each
``complexBehaviorDefinition`` whose condition holds after an instance, ``All`` throws
nothing. The spec makes these implicit throw events caught by boundary events attached
to the multi-instance activity itself, so that is where they go: the first boundary
whose definition matches (same signal or message name; same error or escalation code,
or a boundary without code) fires, as if its event had happened. They are not broadcast
as signals to other instances. A thrown event no boundary matches has no effect.

An interrupting boundary ends the activity at once, with the instances still running
or not yet started (BPMN 2.0 Table 10.104: ``cancelActivity`` defaults to true); a
non-interrupting one lets the instances go on.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bpmn_engine.interpreter.behaviors.boundary import fire_boundary
from bpmn_engine.interpreter.behaviors.loop_body import condition
from bpmn_engine.interpreter.event_index import event_index
from bpmn_engine.model import (
    BoundaryEvent,
    ErrorEventDefinition,
    EscalationEventDefinition,
    EventDefinition,
    MessageEventDefinition,
    MultiInstanceLoop,
    SignalEventDefinition,
)

if TYPE_CHECKING:
    from bpmn_engine.interpreter.context import Context
    from bpmn_engine.interpreter.state import Token


def events_to_throw(
    ctx: Context,
    node_id: str,
    loop: MultiInstanceLoop,
    view: Mapping[str, Any],
    *,
    first: bool,
) -> list[EventDefinition]:
    """What the instance that just completed throws; conditions are evaluated here,
    before anything changes, so a failing one leaves the instance where it was."""
    if loop.behavior == "None" and loop.none_behavior_event is not None:
        return [loop.none_behavior_event]
    if loop.behavior == "One" and first and loop.one_behavior_event is not None:
        return [loop.one_behavior_event]
    if loop.behavior != "Complex":
        return []
    thrown: list[EventDefinition] = []
    for behavior in loop.complex_behaviors:
        what = f"complexBehaviorDefinition condition of '{node_id}'"
        if condition(ctx, what, behavior.condition, view):
            thrown.extend(behavior.events)
    return thrown


def throw_to_boundaries(ctx: Context, body_token: Token, thrown: list[EventDefinition]) -> bool:
    """Fire the matching boundary event for each thrown event; True when one of them
    interrupted the activity (nothing more may happen to its instances)."""
    boundaries = event_index(ctx.model).boundaries.get(body_token.element_id, ())
    for definition in thrown:
        boundary = _catcher(boundaries, definition)
        if boundary is None:
            continue
        fire_boundary(ctx, body_token, boundary, {})
        if boundary.cancel_activity:
            return True
    return False


def _catcher(
    boundaries: tuple[BoundaryEvent, ...], thrown: EventDefinition
) -> BoundaryEvent | None:
    for boundary in boundaries:
        if any(_catches(definition, thrown) for definition in boundary.event_definitions):
            return boundary
    return None


def _catches(catch: EventDefinition, thrown: EventDefinition) -> bool:
    if isinstance(thrown, SignalEventDefinition):
        return isinstance(catch, SignalEventDefinition) and catch.signal_name == thrown.signal_name
    if isinstance(thrown, MessageEventDefinition):
        return (
            isinstance(catch, MessageEventDefinition) and catch.message_name == thrown.message_name
        )
    if isinstance(thrown, ErrorEventDefinition):
        return isinstance(catch, ErrorEventDefinition) and catch.error_code in (
            None,
            thrown.error_code,
        )
    if isinstance(thrown, EscalationEventDefinition):
        return isinstance(catch, EscalationEventDefinition) and catch.escalation_code in (
            None,
            thrown.escalation_code,
        )
    return False
