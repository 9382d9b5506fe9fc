"""Baton's safe expression and script language.

Evaluates sequence-flow conditions, Camunda attribute templates (`assignee="${initiator}"`)
and script tasks taken from uploaded diagrams. It is an attack surface, so it is a small
hand-written language, never Python's eval: no attribute access on Python objects, only
whitelisted methods, and hard limits on size, nesting, work and produced values (see
`limits`). Every failure is an ExpressionError with a readable message and a column.
"""

from __future__ import annotations

from .compiler import compile_expression, compile_template, evaluate, is_template
from .errors import (
    ExpressionError,
    ExpressionRuntimeError,
    ExpressionSyntaxError,
    ScriptSyntaxError,
    UnknownVariableError,
)
from .evaluator import CompiledExpression
from .scripts import Assignment, CompiledScript, compile_script

__all__ = [
    "Assignment",
    "CompiledExpression",
    "CompiledScript",
    "ExpressionError",
    "ExpressionRuntimeError",
    "ExpressionSyntaxError",
    "ScriptSyntaxError",
    "UnknownVariableError",
    "compile_expression",
    "compile_script",
    "compile_template",
    "evaluate",
    "is_template",
]
