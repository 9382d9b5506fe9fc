"""Escalations: like errors, caught by code at the nearest enclosing scope, but a
non-interrupting catch lets the thrower go on, and an escalation nobody catches has no
effect (BPMN 2.0 section 10.5.6: unlike an error, it is not a failure)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bpmn_engine.interpreter.behaviors.boundary import fire_boundary
from bpmn_engine.interpreter.behaviors.event_subprocess import (
    event_start_for,
    start_event_subprocess,
)
from bpmn_engine.interpreter.effects import EscalateToCaller
from bpmn_engine.interpreter.event_index import event_index
from bpmn_engine.model import BoundaryEvent, EscalationEventDefinition
from bpmn_engine.model.events import first_definition

if TYPE_CHECKING:
    from bpmn_engine.interpreter.context import Context
    from bpmn_engine.interpreter.state import Token


def catcher(ctx: Context, activity_id: str, code: str | None) -> BoundaryEvent | None:
    catch_all: BoundaryEvent | None = None
    for boundary in event_index(ctx.model).boundaries.get(activity_id, ()):
        definition = first_definition(boundary)
        if not isinstance(definition, EscalationEventDefinition):
            continue
        if definition.escalation_code is None:
            catch_all = catch_all or boundary
        elif definition.escalation_code == code:
            return boundary
    return catch_all


def throw_escalation(ctx: Context, token: Token, code: str | None) -> bool:
    """Route the escalation outwards; True when the thrower was interrupted by it."""
    state = ctx.state
    scope = state.scopes[token.scope_id]
    while True:
        start = event_start_for(ctx, scope, EscalationEventDefinition, code)
        if start is not None:
            start_event_subprocess(ctx, scope, start, {})
            return start.interrupting
        parent_id = scope.parent_id
        if parent_id is None:
            break
        holder = state.tokens.get(scope.token_id) if scope.token_id is not None else None
        if holder is None or ctx.is_loop_instance(holder):
            scope = state.scopes[parent_id]  # an instance: its loop body holds the boundaries
            continue
        boundary = catcher(ctx, holder.element_id, code)
        if boundary is not None:
            fire_boundary(ctx, holder, boundary, {})
            return boundary.cancel_activity
        scope = state.scopes[parent_id]
    ctx.emit(EscalateToCaller(code=code, element_id=token.element_id))  # events2: calls
    return False
