"""The run loop: hands each READY token to the behavior of its element.

It runs until every token waits, joins, failed or is gone. Errors in the diagram or the
data (``ElementError``, ``ExpressionError``) never escape: the token parks as FAILED
with an incident and the other tokens go on. A step limit stops a loop with no wait
state. An optional observer is told the duration of each step by element type; without
one the loop pays a single ``is None`` test per step.
"""

from __future__ import annotations

import re
from functools import partial
from time import perf_counter

from bpmn_engine.interpreter.behaviors.inclusive import release_joins
from bpmn_engine.interpreter.behaviors.listen import open_boundaries
from bpmn_engine.interpreter.call_context import NO_DATA
from bpmn_engine.interpreter.context import Context
from bpmn_engine.interpreter.effects import (
    HISTORY_ELEMENT_STARTED,
    HISTORY_INCIDENT,
    INCIDENT_STEP_LIMIT,
    Effect,
    RaiseIncident,
    history_record,
)
from bpmn_engine.interpreter.element_error import ElementError
from bpmn_engine.interpreter.expressions import ExpressionError
from bpmn_engine.interpreter.state import Token, TokenState
from bpmn_engine.interpreter.step_observers import StepObserver
from bpmn_engine.model import FlowNode

READY = TokenState.READY
FAILED = TokenState.FAILED
_WAITS = (TokenState.WAITING, TokenState.IN_SCOPE)
"""States in which a token sits on its activity, so its boundary events listen."""

_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def node_kind(node: FlowNode) -> str:
    """A node kind for messages: ``ExclusiveGateway`` -> ``Exclusive gateway``."""
    return _CAMEL.sub(" ", type(node).__name__).capitalize()


def run(ctx: Context, observer: StepObserver | None = None) -> list[Effect]:
    """Run the READY tokens of ``ctx.ready`` and the ones they make; return the effects."""
    ready = ctx.ready
    tokens = ctx.state.tokens
    tables = ctx.tables
    behaviors = tables.behaviors
    boundaries = tables.opens_listeners
    late_joins = tables.late_joins
    types = tables.element_types
    node_data = tables.node_data
    effects = ctx.effects
    steps = 0
    max_steps = ctx.limits.max_steps
    watch = ctx.condition_watch
    on_fail = None
    if watch is not None:
        on_fail = partial(fail, ctx)
        watch.check(ctx, on_fail)  # changes made before the loop
    started = 0.0
    while ready or (late_joins and release_joins(ctx)):  # inclusive/complex joins
        token = ready.popleft()
        if tokens.get(token.id) is not token or token.state is not READY:
            continue  # ended meanwhile (terminate) or already handled
        if steps >= max_steps:
            stop_loop(ctx)
            break
        steps += 1
        element_id = token.element_id
        if observer is not None:
            started = perf_counter()
        try:
            if token.leaving:
                ctx.pass_through(token)
            else:
                effects.append(  # ``ctx.history`` written out: this runs on every step
                    history_record(
                        HISTORY_ELEMENT_STARTED,
                        element_id,
                        token.id,
                        node_data.get(element_id, NO_DATA),
                    )
                )
                behaviors[element_id].enter(ctx, token)
                if element_id in boundaries and token.element_id == element_id:
                    if tokens.get(token.id) is token and token.state in _WAITS:
                        if not ctx.is_loop_instance(token):  # the loop body listens
                            open_boundaries(ctx, token)
        except (ElementError, ExpressionError) as error:
            fail(ctx, token, error)
        if watch is not None and on_fail is not None:  # fire conditions that became true
            watch.check(ctx, on_fail)
        if observer is not None:
            observer(types.get(element_id, ""), perf_counter() - started)
    return ctx.effects


def stop_loop(ctx: Context) -> None:
    """The step limit was hit: park every READY token with an incident."""
    message = f"step limit of {ctx.limits.max_steps} exceeded: a loop with no wait state?"
    for token in [t for t in ctx.state.tokens.values() if t.state is READY]:
        incident(ctx, token, message, cause=INCIDENT_STEP_LIMIT)
    ctx.ready.clear()


def fail(ctx: Context, token: Token, error: ElementError | ExpressionError) -> None:
    """Park the token with an incident; an expression's message names its element."""
    message = error.message
    if isinstance(error, ExpressionError):
        node = ctx.model.nodes[token.element_id]
        message = f"{node_kind(node)} '{node.id}' failed: {message}"
    incident(ctx, token, message)


def incident(ctx: Context, token: Token, message: str, *, cause: str = "") -> None:
    ctx.state.update_token(token, state=FAILED)
    ctx.emit(
        RaiseIncident(token_id=token.id, element_id=token.element_id, message=message, cause=cause)
    )
    ctx.history(HISTORY_INCIDENT, token, data={"message": message})
