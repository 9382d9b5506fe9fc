"""Opening and closing a token's event listeners: subscriptions and timer jobs.

Listeners belong to a token: a catch event's own token, or the token of the activity a
boundary event is attached to. They are opened when the token enters the element and
closed (``Unsubscribe``) whenever the token leaves it or is discarded, so a listener
never outlives the element it belongs to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bpmn_engine.interpreter import compiled
from bpmn_engine.interpreter.behaviors.parallel_multiple import forget, is_parallel, part_id
from bpmn_engine.interpreter.context import ElementError
from bpmn_engine.interpreter.effects import ScheduleTimer, Subscribe, Unsubscribe
from bpmn_engine.interpreter.event_index import event_index
from bpmn_engine.interpreter.expressions import ExpressionError
from bpmn_engine.interpreter.state import Scope, Token, TokenState
from bpmn_engine.model import (
    ConditionalEventDefinition,
    EventDefinition,
    FlowNode,
    MessageEventDefinition,
    ReceiveTask,
    SignalEventDefinition,
    TimerEventDefinition,
)
from bpmn_engine.model.events import first_definition
from bpmn_engine.model.timers import TimerValueError, check_timer

if TYPE_CHECKING:
    from bpmn_engine.interpreter.context import Context

MESSAGE = "message"
SIGNAL = "signal"


def listen(ctx: Context, token: Token, node: FlowNode) -> bool:
    """Open the listener of ``node`` (a catch event, boundary or receive task) for
    ``token``. False when the node has nothing to wait for (e.g. an error boundary,
    which is found by the thrower instead)."""
    if isinstance(node, ReceiveTask):
        key = _correlation_key(ctx, token, node, node.correlation_key)
        name = node.message_name
        ctx.emit(
            Subscribe(
                token_id=token.id, element_id=node.id, kind=MESSAGE, name=name, correlation_key=key
            )
        )
        return True
    definitions: tuple[EventDefinition, ...] = getattr(node, "event_definitions", ())
    if len(definitions) > 1 and is_parallel(node):  # all must fire: one part id each
        parts = enumerate(definitions)
        return all([_listen_for(ctx, token, node, d, part_id(node.id, i)) for i, d in parts])
    if len(definitions) > 1:  # events2: a multiple event listens for each; any one fires
        return all([_listen_for(ctx, token, node, d) for d in definitions])
    return _listen_for(ctx, token, node, first_definition(node))


def _listen_for(
    ctx: Context,
    token: Token,
    node: FlowNode,
    definition: EventDefinition | None,
    element_id: str | None = None,
    *,
    key_required: bool = True,
) -> bool:
    """Open one definition's listener, keyed by ``element_id`` (default: the node's id;
    a part id for a parallel multiple event). ``key_required`` False: a correlation key
    that cannot be evaluated leaves the subscription without one (see
    ``open_event_subprocesses``)."""
    element_id = element_id or node.id
    if isinstance(definition, TimerEventDefinition):
        if not definition.value.strip():
            return True  # drawn without a value: it never fires, the token just waits
        value = _timer_value(ctx, token, node, definition.timer_type, definition.value)
        ctx.emit(
            ScheduleTimer(
                token_id=token.id,
                element_id=element_id,
                timer_type=definition.timer_type,
                value=value,
            )
        )
        return True
    if isinstance(definition, MessageEventDefinition):
        name = definition.message_name
        try:
            key = _correlation_key(ctx, token, node, definition.correlation_key)
        except ElementError:
            if key_required:
                raise
            key = None
        ctx.emit(
            Subscribe(
                token_id=token.id,
                element_id=element_id,
                kind=MESSAGE,
                name=name,
                correlation_key=key,
            )
        )
        return True
    if isinstance(definition, SignalEventDefinition):
        name = definition.signal_name
        ctx.emit(Subscribe(token_id=token.id, element_id=element_id, kind=SIGNAL, name=name))
        return True
    if isinstance(definition, ConditionalEventDefinition):
        return True  # nothing to open: interpreter/conditions.py derives it from the state
    return False


def _correlation_key(ctx: Context, token: Token, node: FlowNode, source: str) -> str | None:
    """Zeebe's ``correlationKey`` (FEEL) over the variables the token sees, as text (Zeebe
    correlates by a string; a number key ``42`` is ``"42"``). None when there is none."""
    if not source:
        return None
    try:
        value = compiled.expression(source).evaluate(ctx.variables(token.scope_id))
    except ExpressionError as error:
        raise ElementError(f"Correlation key of '{node.id}' failed: {error.message}") from None
    if value is None:
        raise ElementError(f"Correlation key of '{node.id}' is null: '{source}'")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _timer_value(ctx: Context, token: Token, node: FlowNode, timer_type: str, value: str) -> str:
    """A timer value may be a ``${...}`` template over the variables."""
    if "${" not in value:
        return value
    try:
        result = str(compiled.template(value).evaluate(ctx.variables(token.scope_id)))
    except ExpressionError as error:
        raise ElementError(f"Timer of '{node.id}' failed: {error.message}") from None
    try:
        check_timer(timer_type, result)
    except TimerValueError as error:
        raise ElementError(f"Timer of '{node.id}': {error}") from None
    return result


def open_boundaries(ctx: Context, token: Token) -> None:
    """The token waits in an activity: open the listeners of its boundary events, and of
    the event subprocesses in the scope a subprocess opened for it."""
    index = event_index(ctx.model)
    for boundary in index.boundaries.get(token.element_id, ()):
        listen(ctx, token, boundary)
    if token.element_id in index.event_starts:
        for scope in ctx.state.scopes.values():
            if scope.token_id == token.id:
                open_event_subprocesses(ctx, scope)


def open_event_subprocesses(ctx: Context, scope: Scope) -> None:
    """A scope started: listen for the starts of its event subprocesses. The listeners
    are keyed by the scope's id (no token waits for them); they go when the scope goes."""
    starts = event_index(ctx.model).event_starts.get(scope.element_id, ())
    if not starts:
        return
    holder = Token(id=scope.id, element_id="", scope_id=scope.id, state=TokenState.WAITING)
    for start in starts:  # no token to hold an incident: an unknown key is no key
        _listen_for(ctx, holder, start, first_definition(start), key_required=False)


def stop_listening(ctx: Context, token: Token) -> None:
    """The token leaves (or loses) its element: close the element's listeners, if any."""
    if token.element_id in event_index(ctx.model).listening:
        ctx.emit(Unsubscribe(token_id=token.id))
        forget(ctx, token)
