"""Business rule tasks: evaluate a DMN decision synchronously and store its result.

The decision comes from the injected ``ctx.decisions`` resolver, is evaluated against the
variables visible from the token, and its result is mapped by ``mapDecisionResult`` into
``resultVariable``. Everything is computed before the state changes, so a missing
decision or a failing table (two UNIQUE matches, an unknown input) parks the token with an
incident and a retry evaluates afresh. A task bound like a service task runs as one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from bpmn_engine.dmn import DecisionError, evaluate_decision, map_result
from bpmn_engine.interpreter import compiled
from bpmn_engine.interpreter.behaviors.tasks import ServiceTaskBehavior, check_size
from bpmn_engine.interpreter.context import ElementError
from bpmn_engine.interpreter.decisions import DecisionNotFound
from bpmn_engine.interpreter.expressions import ExpressionError
from bpmn_engine.interpreter.expressions.feel import is_feel
from bpmn_engine.model import BusinessRuleTask

if TYPE_CHECKING:
    from bpmn_engine.dmn import Decision
    from bpmn_engine.interpreter.context import Context
    from bpmn_engine.interpreter.state import Token


class BusinessRuleTaskBehavior(ServiceTaskBehavior):
    """``decision`` binding: evaluate in place; any other binding: a service task."""

    __slots__ = ()

    def enter(self, ctx: Context, token: Token) -> None:
        node = cast(BusinessRuleTask, ctx.node(token))
        if node.binding != "decision":
            super().enter(ctx, token)
            return
        variables = ctx.variables(token.scope_id)
        decision = _resolve(ctx, node, variables)
        try:
            value = map_result(evaluate_decision(decision, variables), node.map_decision_result)
        except DecisionError as error:
            raise ElementError(f"Business rule task '{node.id}' failed: {error.message}") from None
        if node.result_variable:
            check_size(ctx, f"Business rule task '{node.id}'", node.result_variable, value)
            ctx.set_variables(token, {node.result_variable: value})
        ctx.pass_through(token)


def _resolve(ctx: Context, node: BusinessRuleTask, variables: Mapping[str, Any]) -> Decision:
    """The decision named by ``decisionRef`` (which may be a ``${...}`` template) or by a
    Zeebe ``decisionId`` (which may be FEEL, ``= ...``)."""
    try:
        if is_feel(node.decision_ref):
            key = str(compiled.expression(node.decision_ref).evaluate(variables)).strip()
        else:
            key = str(compiled.template(node.decision_ref).evaluate(variables)).strip()
    except ExpressionError as error:
        raise ElementError(
            f"The decisionRef of business rule task '{node.id}' failed: {error.message}"
        ) from None
    if ctx.decisions is None:
        raise ElementError(
            f"Business rule task '{node.id}': no decisions are available to this engine "
            f"(decision '{key}')"
        )
    try:
        return ctx.decisions(key, binding=node.decision_binding, version=node.decision_version)
    except DecisionNotFound as error:
        raise ElementError(f"Business rule task '{node.id}': {error}") from None
