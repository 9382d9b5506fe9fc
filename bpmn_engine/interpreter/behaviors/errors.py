"""BPMN errors: thrown by an error end event or a service handler, caught by the error
boundary event nearest to the thrower (BPMN 2.0 section 10.5.6).

The search starts at the throwing activity itself (a service task whose handler raised
``BpmnError``), then goes out scope by scope: the subprocess holding the thrower, the
subprocess holding that one, and so on. At each level an event naming the error code wins
over a catch-all (no code). A boundary event on a looping activity belongs to the whole
activity, so an error from one instance is caught on the loop body's token and ends every
instance, not only the one that threw (an instance scope has no token of its own: the
search passes through it). An error nobody catches is an incident on the thrower's
token: visible, never silently dropped. In a called instance it is also offered to the
call activity that started it (``ErrorToCaller``; ``error_catchable`` lets the runtime
ask first whether the caller has a catcher, so an uncaught error stays one incident).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bpmn_engine.interpreter.behaviors.boundary import fire_boundary
from bpmn_engine.interpreter.behaviors.event_subprocess import (
    event_start_for,
    start_event_subprocess,
)
from bpmn_engine.interpreter.context import ElementError
from bpmn_engine.interpreter.effects import ErrorToCaller
from bpmn_engine.interpreter.event_index import event_index
from bpmn_engine.model import BoundaryEvent, ErrorEventDefinition, FlowNode, ProcessModel
from bpmn_engine.model.events import first_definition

if TYPE_CHECKING:
    from collections.abc import Iterable

    from bpmn_engine.interpreter.context import Context
    from bpmn_engine.interpreter.state import InstanceState, Token


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


def caught_variables(catcher: FlowNode, code: str | None, message: str | None) -> dict[str, Any]:
    """Camunda's ``errorCodeVariable`` / ``errorMessageVariable`` of the catching event:
    the variables the caught code and message are set in (the message None when the
    error has none)."""
    definition = first_definition(catcher)
    if not isinstance(definition, ErrorEventDefinition):
        return {}
    values: dict[str, Any] = {}
    if definition.code_variable:
        values[definition.code_variable] = code
    if definition.message_variable:
        values[definition.message_variable] = message or None
    return values


def throw_error(
    ctx: Context,
    token: Token,
    code: str | None,
    *,
    from_activity: bool = False,
    message: str | None = None,
) -> None:
    """Route the error to its catcher, or raise ``ElementError`` (an incident) if none.

    ``from_activity``: the token is the activity that failed (its own boundary events
    are tried first), not an end event inside a scope. ``message``: the error's message
    (an error end event's ``errorMessage``, a handler's ``BpmnError`` message), set with
    the code in the catcher's variables.
    """
    state = ctx.state
    if from_activity and not ctx.is_loop_instance(token):
        boundary = _catcher(ctx, token.element_id, code)
        if boundary is not None:
            fire_boundary(ctx, token, boundary, caught_variables(boundary, code, message))
            return
    scope = state.scopes[token.scope_id]
    while True:
        start = event_start_for(ctx, scope, ErrorEventDefinition, code)
        if start is not None:
            start_event_subprocess(ctx, scope, start, caught_variables(start, code, message))
            return
        parent_id = scope.parent_id
        if parent_id is None:
            break
        if scope.token_id is None:  # a loop instance's scope: on to its loop body
            scope = state.scopes[parent_id]
            continue
        holder = state.tokens[scope.token_id]
        boundary = None if ctx.is_loop_instance(holder) else _catcher(ctx, holder.element_id, code)
        if boundary is not None:
            fire_boundary(ctx, holder, boundary, caught_variables(boundary, code, message))
            return
        scope = state.scopes[parent_id]
    ctx.emit(ErrorToCaller(code=code, element_id=token.element_id, message=message))
    shown = f"'{code}'" if code else "without a code"
    raise ElementError(
        f"BPMN error {shown} thrown by '{token.element_id}' was not caught by any error "
        "boundary event"
    )


def _any_catches(events: Iterable[FlowNode], code: str | None) -> bool:
    for event in events:
        definition = first_definition(event)
        if isinstance(definition, ErrorEventDefinition):
            if definition.error_code is None or definition.error_code == code:
                return True
    return False


def error_catchable(
    model: ProcessModel, state: InstanceState, token: Token, code: str | None
) -> bool:
    """Whether ``throw_error(..., from_activity=True)`` on ``token`` would be caught: by
    a boundary of its activity, or going out scope by scope, an error event subprocess
    or a boundary of an enclosing subprocess. Reads only; changes nothing."""
    index = event_index(model)

    def boundary_catches(holder: Token) -> bool:
        if state.scopes[holder.scope_id].element_id == holder.element_id:
            return False  # one loop instance: the boundary is its loop body's
        return _any_catches(index.boundaries.get(holder.element_id, ()), code)

    if boundary_catches(token):
        return True
    scope = state.scopes[token.scope_id]
    while True:
        if _any_catches(index.event_starts.get(scope.element_id, ()), code):
            return True
        if scope.parent_id is None:
            return False
        if scope.token_id is not None and boundary_catches(state.tokens[scope.token_id]):
            return True
        scope = state.scopes[scope.parent_id]
