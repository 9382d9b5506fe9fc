"""BPMN errors: thrown by an error end event or a service handler, caught by the error
boundary event nearest to the thrower (BPMN 2.0 section 10.5.6).

The search starts at the throwing activity itself (a service task whose handler raised
``BpmnError``), then goes out scope by scope: the subprocess holding the thrower, the
subprocess holding that one, and so on. At each level an event naming the error code wins
over a catch-all (no code). An error nobody catches is an incident on the thrower's token:
visible, never silently dropped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bpmn_engine.interpreter.behaviors.boundary import fire_boundary
from bpmn_engine.interpreter.behaviors.event_subprocess import (
    event_start_for,
    start_event_subprocess,
)
from bpmn_engine.interpreter.context import ElementError
from bpmn_engine.interpreter.event_index import event_index
from bpmn_engine.model import BoundaryEvent, ErrorEventDefinition
from bpmn_engine.model.events import first_definition

if TYPE_CHECKING:
    from bpmn_engine.interpreter.context import Context
    from bpmn_engine.interpreter.state import Token


def _catcher(ctx: Context, activity_id: str, code: str | None) -> BoundaryEvent | None:
    catch_all: BoundaryEvent | None = None
    for boundary in event_index(ctx.model).boundaries.get(activity_id, ()):
        definition = first_definition(boundary)
        if not isinstance(definition, ErrorEventDefinition):
            continue
        if definition.error_code is None:
            catch_all = catch_all or boundary
        elif definition.error_code == code:
            return boundary
    return catch_all


def throw_error(
    ctx: Context, token: Token, code: str | None, *, from_activity: bool = False
) -> None:
    """Route the error to its catcher, or raise ``ElementError`` (an incident) if none.

    ``from_activity``: the token is the activity that failed (its own boundary events
    are tried first), not an end event inside a scope.
    """
    state = ctx.state
    if from_activity:
        boundary = _catcher(ctx, token.element_id, code)
        if boundary is not None:
            fire_boundary(ctx, token, boundary, {})
            return
    scope = state.scopes[token.scope_id]
    while True:
        start = event_start_for(ctx, scope, ErrorEventDefinition, code)
        if start is not None:
            start_event_subprocess(ctx, scope, start, {})
            return
        if scope.parent_id is None or scope.token_id is None:
            break
        holder = state.tokens[scope.token_id]
        boundary = _catcher(ctx, holder.element_id, code)
        if boundary is not None:
            fire_boundary(ctx, holder, boundary, {})
            return
        scope = state.scopes[scope.parent_id]
    shown = f"'{code}'" if code else "without a code"
    raise ElementError(
        f"BPMN error {shown} thrown by '{token.element_id}' was not caught by any error "
        "boundary event"
    )
