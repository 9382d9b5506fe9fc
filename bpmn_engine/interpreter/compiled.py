"""Compiled expressions, cached by source text, with shortcuts for the simplest shapes.

A deployed model never changes, so the same condition, template or script text is
compiled once per process (not once per token): compiling dominates evaluation on the hot
path. The compiled objects are immutable, so sharing them between instances is safe.
Compile errors are not cached; they are raised again on the next call.

Most conditions and assignments in real diagrams are a constant (``managers``), one
variable (``${initiator}``), a negated variable (``${!approved}``) or one comparison
(``${amount > 1000}``). For those the tree walk costs more than the work, so such an
expression gets a direct function built from the same operators (``operators.py``).
The shortcut only ever answers for the happy path: on any failure the full evaluator
runs again and raises exactly the error it always raised (evaluation has no side
effects, so running it twice is safe).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from bpmn_engine.interpreter.expressions import (
    compile_expression,
    compile_script,
    compile_template,
)
from bpmn_engine.interpreter.expressions.evaluator import CompiledExpression
from bpmn_engine.interpreter.expressions.limits import Budget
from bpmn_engine.interpreter.expressions.nodes import Binary, Literal, Name, Node, Unary
from bpmn_engine.interpreter.expressions.operators import compare, equals, require_bool

_CACHE_SIZE = 4096

Evaluate = Callable[[Mapping[str, Any]], Any]


@dataclass(frozen=True)
class ShortcutExpression(CompiledExpression):
    """A ``CompiledExpression`` whose ``evaluate`` tries a direct function first."""

    shortcut: Evaluate | None = field(default=None, repr=False, compare=False)

    def evaluate(self, variables: Mapping[str, Any]) -> Any:
        if self.shortcut is None:
            return CompiledExpression.evaluate(self, variables)
        try:
            return self.shortcut(variables)
        except Exception:  # noqa: BLE001 - the full evaluator decides what to raise
            return CompiledExpression.evaluate(self, variables)


def _operand(node: Node) -> Evaluate | None:
    if isinstance(node, Literal):
        value = node.value
        return lambda variables: value
    if isinstance(node, Name):
        name = node.name
        return lambda variables: variables[name]
    return None


def _shortcut(root: Node) -> Evaluate | None:
    """A direct function for a constant, a variable, ``!variable`` or one comparison."""
    direct = _operand(root)
    if direct is not None:
        return direct
    if isinstance(root, Unary) and root.op == "not":
        operand = _operand(root.operand)
        if operand is None:
            return None
        return lambda variables: not require_bool(operand(variables), "not")
    if isinstance(root, Binary) and len(root.rest) == 1:
        left, right, op = _operand(root.first), _operand(root.rest[0].operand), root.rest[0].op
        if left is None or right is None:
            return None
        if op in ("<", ">", "<=", ">="):
            return lambda variables: compare(op, left(variables), right(variables))
        if op == "==":
            return lambda variables: equals(Budget(), left(variables), right(variables))
        if op == "!=":
            return lambda variables: not equals(Budget(), left(variables), right(variables))
    return None


def _with_shortcut(compiled: CompiledExpression) -> CompiledExpression:
    if type(compiled) is not CompiledExpression:  # another language (FEEL): as it is
        return compiled
    shortcut = _shortcut(compiled.root)
    if shortcut is None:
        return compiled
    return ShortcutExpression(
        source=compiled.source,
        root=compiled.root,
        column_offset=compiled.column_offset,
        shortcut=shortcut,
    )


@lru_cache(maxsize=_CACHE_SIZE)
def expression(source: str) -> CompiledExpression:
    """``compile_expression``, cached, with a shortcut where one applies."""
    return _with_shortcut(compile_expression(source))


@lru_cache(maxsize=_CACHE_SIZE)
def template(source: str) -> CompiledExpression:
    """``compile_template``, cached, with a shortcut where one applies."""
    return _with_shortcut(compile_template(source))


script = lru_cache(maxsize=_CACHE_SIZE)(compile_script)
