"""Call activity: start another process and wait for it, with in/out variable mappings.

The interpreter cannot start an instance (that needs a database), so entering a call
activity parks the token and emits ``StartCalledInstance`` with everything already
resolved from the caller's variables: the called key, version, business key and the
in-mapped variables. When the child ends, the runtime computes the out-mapped variables
with ``out_variables`` (pure, here) and calls ``Interpreter.complete`` with them; they are
then written from the token's scope with the usual rule, like a user task's form values.
Removing the waiting token (cancel, terminate) emits ``CancelCalledInstance``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from bpmn_engine.interpreter import compiled
from bpmn_engine.interpreter.context import ElementError
from bpmn_engine.interpreter.effects import CancelCalledInstance, StartCalledInstance
from bpmn_engine.interpreter.expressions import ExpressionError
from bpmn_engine.interpreter.expressions.feel import is_feel
from bpmn_engine.model import CallActivity, VariableMapping

if TYPE_CHECKING:
    from bpmn_engine.interpreter.context import Context
    from bpmn_engine.interpreter.state import Token


class CallActivityBehavior:
    """A wait state whose work is a whole child instance."""

    __slots__ = ()

    def enter(self, ctx: Context, token: Token) -> None:
        node = cast(CallActivity, ctx.node(token))
        visible = ctx.state.visible_variables(token.scope_id)
        local = ctx.state.scopes[token.scope_id].variables
        effect = StartCalledInstance(
            token_id=token.id,
            element_id=node.id,
            process_key=_called_key(node, visible),
            binding=node.binding,
            version=_version(node, visible),
            variables=map_variables(node, node.in_mappings, visible, local),
            business_key=_business_key(node, visible),
            inherit_business_key=_inherits_business_key(node),
        )
        ctx.wait(token)
        ctx.emit(effect)

    def complete(self, ctx: Context, token: Token, variables: Mapping[str, Any]) -> None:
        ctx.pass_through(token)

    def cancel(self, ctx: Context, token: Token, reason: str) -> None:
        ctx.emit(CancelCalledInstance(token_id=token.id, reason=reason))


def out_variables(node: CallActivity, child_variables: Mapping[str, Any]) -> dict[str, Any]:
    """What the caller gets back from the child's final (root) variables.

    Raises ``ElementError`` when a ``sourceExpression`` fails; the runtime turns that into
    an incident on the call activity.
    """
    return map_variables(node, node.out_mappings, child_variables, child_variables)


def map_variables(
    node: CallActivity,
    mappings: tuple[VariableMapping, ...],
    visible: Mapping[str, Any],
    local: Mapping[str, Any],
) -> dict[str, Any]:
    """Apply mappings in document order; a missing source variable maps to None
    (Camunda passes null rather than failing)."""
    values: dict[str, Any] = {}
    for mapping in mappings:
        if mapping.all_variables:
            values.update(local if mapping.local else visible)
        elif mapping.source_expression:
            values[mapping.target or ""] = _evaluate(node, mapping.source_expression, visible)
        elif mapping.source:
            values[mapping.target or mapping.source] = visible.get(mapping.source)
    return values


def _evaluate(node: CallActivity, source: str, variables: Mapping[str, Any]) -> Any:
    """A template (``${...}``), or one FEEL expression (a Zeebe mapping, ``= ...``)."""
    try:
        if is_feel(source):
            return compiled.expression(source).evaluate(variables)
        return compiled.template(source).evaluate(variables)
    except ExpressionError as error:
        raise ElementError(
            f"Call activity '{node.id}': expression {source!r} failed: {error.message}"
        ) from None


def _called_key(node: CallActivity, variables: Mapping[str, Any]) -> str:
    key = _evaluate(node, node.called_element, variables)
    if not isinstance(key, str) or not key.strip():
        raise ElementError(
            f"Call activity '{node.id}': called element {node.called_element!r} "
            f"gave {key!r}, not a process key"
        )
    return key.strip()


def _version(node: CallActivity, variables: Mapping[str, Any]) -> int | None:
    if node.binding != "version" or node.version is None:
        return None
    value = _evaluate(node, node.version, variables)
    try:
        version = int(value)
    except (TypeError, ValueError):
        version = 0
    if version <= 0 or isinstance(value, bool):
        raise ElementError(
            f"Call activity '{node.id}': version {node.version!r} gave {value!r}, "
            "not a version number"
        )
    return version


_PARENT_BUSINESS_KEY = re.compile(
    r"\s*[$#]\{\s*execution\.(processBusinessKey|businessKey)\s*\}\s*"
)
"""Camunda's idiom for passing the caller's business key on. ``execution`` is Camunda's
Java object, not a variable: the runtime fills the key in instead (``calls.call_start``)."""


def _inherits_business_key(node: CallActivity) -> bool:
    return node.business_key is not None and bool(_PARENT_BUSINESS_KEY.fullmatch(node.business_key))


def _business_key(node: CallActivity, variables: Mapping[str, Any]) -> str | None:
    if node.business_key is None or _inherits_business_key(node):
        return None
    value = _evaluate(node, node.business_key, variables)
    return "" if value is None else str(value)
