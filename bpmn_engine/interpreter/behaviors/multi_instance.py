"""Multi-instance activities (BPMN 2.0 section 10.3.8), parallel and sequential.

The body scope holds ``nrOfInstances``, ``nrOfActiveInstances`` and
``nrOfCompletedInstances``; each instance scope holds ``loopCounter`` and the element
variable. A sequential loop starts instance ``k`` when ``k`` instances have completed,
so it needs no counter of its own; it re-reads the collection for each instance, as
Camunda 7 does, instead of copying it into the state.

After each instance, the ``behavior`` events are thrown to the activity's boundary
events (``multi_instance_events.py``; an interrupting one ends the activity), then
``completionCondition`` is evaluated in the instance's view (its
local variables, then the updated counters, then the enclosing scopes). When it holds,
the instances still running are cancelled (their user tasks and jobs closed through
effects) and the activity completes.

N-of-M approvals: on a multi-instance *user task* the body scope also counts the
decisions, ``nrOfApproved`` and ``nrOfRejected``. Each instance scope starts with the
decision variable (``approved``, or the ``baton.decisionVariable`` extension property)
set to null, so by Camunda's write rule the approver's decision lands in the instance
scope, where it is counted (true/false, or the text "true"/"false") and cannot be
mistaken for another approver's. When the activity completes, both counts are written
to the enclosing scope so a gateway after the task can route on them.

Zeebe's ``outputCollection``/``outputElement``: the body holds the output list (one slot
per instance, filled in at the instance's ``loopCounter``), written to the enclosing
scope on completion. Zeebe spells the counters ``numberOfInstances``,
``numberOfActiveInstances``, ``numberOfCompletedInstances`` and
``numberOfTerminatedInstances``: the completion condition and ``outputElement`` see those
names too (computed, never stored), so a diagram from Camunda 8 runs unchanged.
"""

from __future__ import annotations

from collections import ChainMap
from typing import TYPE_CHECKING, Any

from bpmn_engine.interpreter.behaviors import io
from bpmn_engine.interpreter.behaviors.loop_body import (
    LOOP_COUNTER,
    body_of,
    close_body,
    condition,
    end_instance,
    evaluate,
    instance_variables,
    open_body,
    start_instance,
    write_body,
)
from bpmn_engine.interpreter.behaviors.multi_instance_events import (
    events_to_throw,
    throw_to_boundaries,
)
from bpmn_engine.interpreter.context import ElementError
from bpmn_engine.model import (
    DECISION_VARIABLE_PROPERTY,
    DEFAULT_DECISION_VARIABLE,
    FlowNode,
    MultiInstanceLoop,
    UserTask,
)

if TYPE_CHECKING:
    from bpmn_engine.interpreter.context import Context
    from bpmn_engine.interpreter.state import Scope, Token

INSTANCES = "nrOfInstances"
ACTIVE = "nrOfActiveInstances"
COMPLETED = "nrOfCompletedInstances"
APPROVED = "nrOfApproved"
REJECTED = "nrOfRejected"

ZEEBE_COUNTERS = {
    "numberOfInstances": INSTANCES,
    "numberOfActiveInstances": ACTIVE,
    "numberOfCompletedInstances": COMPLETED,
}
"""Zeebe's names for the counters (``numberOfTerminatedInstances`` is always 0 while
instances are still being counted: the ones cancelled early never complete)."""

MAX_INSTANCES = 10_000
"""More instances than this is refused: one activity must not flood the instance."""


def decision_variable(node: FlowNode) -> str | None:
    """The variable whose value is counted per instance, or None (not a user task)."""
    if not isinstance(node, UserTask):
        return None
    return node.extensions.properties.get(DECISION_VARIABLE_PROPERTY) or DEFAULT_DECISION_VARIABLE


def start(ctx: Context, token: Token, loop: MultiInstanceLoop) -> None:
    node = ctx.node(token)
    items = _items(ctx, node, loop, token.scope_id)
    count = len(items) if items is not None else _cardinality(ctx, node, loop, token.scope_id)
    if count > MAX_INSTANCES:
        raise ElementError(
            f"Multi-instance '{node.id}' would start {count} instances, more than {MAX_INSTANCES}"
        )
    if count == 0:
        if loop.output_collection:
            ctx.set_variables(token, {loop.output_collection: []})
        ctx.pass_through(token)
        return
    counters: dict[str, Any] = {
        INSTANCES: count,
        ACTIVE: 1 if loop.sequential else count,
        COMPLETED: 0,
    }
    if decision_variable(node) is not None:
        counters.update({APPROVED: 0, REJECTED: 0})
    if loop.output_collection:
        counters[loop.output_collection] = [None] * count
    first = [
        instance_variables(ctx, node, _instance_variables(node, loop, i, items), token.scope_id)
        for i in range(1 if loop.sequential else count)
    ]  # inputs are evaluated before anything changes
    body = open_body(ctx, token, counters)
    for variables in first:
        start_instance(ctx, body, variables)


def instance_done(ctx: Context, token: Token, loop: MultiInstanceLoop) -> None:
    """Count the finished instance, then complete, cancel the rest, or start the next.

    Every expression is evaluated before anything changes, so a failing completion
    condition leaves the instance token FAILED exactly where it was (retry re-enters here).
    """
    node = ctx.node(token)
    instance, body = body_of(ctx, token)
    counts = body.variables
    update: dict[str, Any] = {ACTIVE: counts[ACTIVE] - 1, COMPLETED: counts[COMPLETED] + 1}
    _count_decision(node, instance, counts, update)
    results = io.outputs(ctx, node, instance.id)
    counters = ChainMap(update, counts)
    zeebe = {name: counters[ours] for name, ours in ZEEBE_COUNTERS.items()}
    zeebe["numberOfTerminatedInstances"] = 0
    view = ChainMap(update, results, dict(ctx.variables(instance.id)), zeebe)
    output: list[Any] | None = None
    if loop.output_collection and loop.output_element:
        output = list(counts[loop.output_collection])
        value = evaluate(ctx, f"outputElement of '{node.id}'", loop.output_element, view)
        output[instance.variables[LOOP_COUNTER]] = value
        update[loop.output_collection] = output
    thrown = events_to_throw(ctx, node.id, loop, view, first=counts[COMPLETED] == 0)
    done = loop.completion_condition is not None and condition(
        ctx, f"completionCondition of '{node.id}'", loop.completion_condition, view
    )
    completed = update[COMPLETED]
    finished = done or completed >= counts[INSTANCES]
    following: dict[str, Any] | None = None
    if loop.sequential and not finished:
        base = _instance_variables(node, loop, completed, _items(ctx, node, loop, body.id))
        following = instance_variables(ctx, node, base, body.id)
    write_body(ctx, body, update)
    ctx.state.set_variables(body.id, results)
    end_instance(ctx, token)
    if thrown and throw_to_boundaries(ctx, ctx.state.tokens[body.token_id or ""], thrown):
        return  # an interrupting boundary caught it: the activity is over
    if finished:
        _finish(ctx, node, loop, body, early=done and completed < counts[INSTANCES])
    elif following is not None:
        write_body(ctx, body, {ACTIVE: 1})
        start_instance(ctx, body, following)


def _count_decision(
    node: FlowNode, instance: Scope, counts: dict[str, Any], update: dict[str, Any]
) -> None:
    name = decision_variable(node)
    if name is None or APPROVED not in counts:
        return
    value = instance.variables.get(name)
    if isinstance(value, str):
        value = {"true": True, "false": False}.get(value.strip().lower())
    if value is True:
        update[APPROVED] = counts[APPROVED] + 1
    elif value is False:
        update[REJECTED] = counts[REJECTED] + 1


def _finish(
    ctx: Context, node: FlowNode, loop: MultiInstanceLoop, body: Scope, *, early: bool
) -> None:
    """Hand results to the enclosing scope, then close the body (cancelling if early)."""
    token = ctx.state.tokens[body.token_id or ""]
    results: dict[str, Any] = {}
    if loop.output_collection:
        results[loop.output_collection] = body.variables[loop.output_collection]
    if APPROVED in body.variables:
        results[APPROVED] = body.variables[APPROVED]
        results[REJECTED] = body.variables[REJECTED]
    reason = f"completion condition of '{node.id}' holds" if early else None
    close_body(ctx, body, cancel_reason=reason)
    ctx.set_variables(token, results)


def _instance_variables(
    node: FlowNode, loop: MultiInstanceLoop, index: int, items: list[Any] | None
) -> dict[str, Any]:
    variables: dict[str, Any] = {LOOP_COUNTER: index}
    if loop.element_variable:
        if items is None or index >= len(items):
            variables[loop.element_variable] = None
        else:
            variables[loop.element_variable] = items[index]
    name = decision_variable(node)
    if name is not None:
        variables[name] = None
    return variables


def _items(
    ctx: Context, node: FlowNode, loop: MultiInstanceLoop, scope_id: str
) -> list[Any] | None:
    if loop.collection is None:
        return None
    value = evaluate(ctx, f"collection of '{node.id}'", loop.collection, ctx.variables(scope_id))
    if not isinstance(value, list | tuple):
        raise ElementError(
            f"The collection of multi-instance '{node.id}' must be a list, "
            f"not {type(value).__name__} {value!r:.80}"
        )
    return list(value)


def _cardinality(ctx: Context, node: FlowNode, loop: MultiInstanceLoop, scope_id: str) -> int:
    """The number of instances from ``loopCardinality``.

    With neither a cardinality nor a collection (drawn, not configured; the parser
    warns) the number is undefined (BPMN 2.0 section 10.3.8 gives no default): an
    incident names the activity rather than guessing one or zero instances.
    """
    source = loop.cardinality
    if source is None:
        raise ElementError(
            f"Multi-instance '{node.id}' has neither loopCardinality nor a collection, "
            "so the number of instances is undefined"
        )
    value = evaluate(ctx, f"loopCardinality of '{node.id}'", source, ctx.variables(scope_id))
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ElementError(
            f"The loopCardinality of '{node.id}' must be a whole number of at least 0, "
            f"not {value!r:.80}"
        )
    return value
