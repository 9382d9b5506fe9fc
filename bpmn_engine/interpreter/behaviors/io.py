"""``camunda:inputOutput`` and ``zeebe:ioMapping``: evaluate an activity's input and
output parameters.

Inputs are evaluated when the activity starts, against what is visible from where it
runs, and become local variables of the activity's own scope (opened by
``loop_body.LoopBehavior``, per instance for a looping activity). Outputs are evaluated
in that scope when the activity completes and written outwards with Camunda's rule.
Every parameter is evaluated before anything is written, so a failure changes nothing.

An event reached through an event-based gateway is never entered (the gateway's token
passes it when it fires), so its outputs are evaluated by ``event_outputs`` instead.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bpmn_engine.interpreter import compiled
from bpmn_engine.interpreter.context import ElementError
from bpmn_engine.interpreter.expressions import ExpressionError
from bpmn_engine.model import FlowNode, IoParameter

if TYPE_CHECKING:
    from bpmn_engine.interpreter.context import Context
    from bpmn_engine.interpreter.state import Token


def _value(node: FlowNode, parameter: IoParameter, template: str, view: Mapping[str, Any]) -> Any:
    try:
        if parameter.kind == "feel":  # a zeebe:ioMapping source: one FEEL expression
            return compiled.expression(template).evaluate(view)
        return compiled.template(template).evaluate(view)
    except ExpressionError as error:
        raise ElementError(
            f"Parameter '{parameter.name}' of '{node.id}' failed: {error.message}"
        ) from None


def evaluate(
    node: FlowNode, parameters: tuple[IoParameter, ...], view: Mapping[str, Any]
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for parameter in parameters:
        if parameter.kind == "null":
            values[parameter.name] = None
        elif parameter.kind == "literal":  # a zeebe:ioMapping source without '='
            values[parameter.name] = parameter.template
        elif parameter.kind == "list":
            values[parameter.name] = [
                _value(node, parameter, t, view) for _, t in parameter.entries
            ]
        elif parameter.kind == "map":
            values[parameter.name] = {
                key: _value(node, parameter, t, view) for key, t in parameter.entries
            }
        else:
            values[parameter.name] = _value(node, parameter, parameter.template or "", view)
    return values


def inputs(node: FlowNode, view: Mapping[str, Any]) -> dict[str, Any]:
    return evaluate(node, node.io.inputs, view) if node.io is not None else {}


def outputs(ctx: Context, node: FlowNode, scope_id: str) -> dict[str, Any]:
    if node.io is None or not node.io.outputs:
        return {}
    return evaluate(node, node.io.outputs, ctx.variables(scope_id))


def event_outputs(
    ctx: Context, node: FlowNode, token: Token, payload: Mapping[str, Any]
) -> dict[str, Any]:
    """The outputs of an event that ``token`` passes without entering it (the event
    after an event-based gateway), over the event's payload, its inputs and the
    variables of the token's scope."""
    if node.io is None or not node.io.outputs:
        return {}
    view = ChainMap(dict(payload), dict(ctx.variables(token.scope_id)))
    return evaluate(node, node.io.outputs, view.new_child(inputs(node, view)))
