"""``camunda:inputOutput``: evaluate an activity's input and output parameters.

Inputs are evaluated when the activity starts, against what is visible from where it
runs, and become local variables of the activity's own scope (opened by
``loop_body.LoopBehavior``, per instance for a looping activity). Outputs are evaluated
in that scope when the activity completes and written outwards with Camunda's rule.
Every parameter is evaluated before anything is written, so a failure changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bpmn_engine.interpreter import compiled
from bpmn_engine.interpreter.context import ElementError
from bpmn_engine.interpreter.expressions import ExpressionError
from bpmn_engine.model import FlowNode, IoParameter

if TYPE_CHECKING:
    from bpmn_engine.interpreter.context import Context


def _value(node: FlowNode, parameter: IoParameter, template: str, view: Mapping[str, Any]) -> Any:
    try:
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
