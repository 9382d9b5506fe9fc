"""FEEL for DMN: expressions and unary tests, compiled by the FEEL dialect of the safe
expression language (``bpmn_engine.interpreter.expressions.feel``).

FEEL is DMN's default expression language: input expressions, output entries and
literal expressions are FEEL expressions, and input entries are FEEL unary tests (see
``unary_parser`` for their grammar). Both are compiled once, when the DMN file is
parsed, and kept on the decision model. A column that declares
``expressionLanguage="juel"`` is compiled as Baton's own (JUEL-like) language instead.
Nothing from a DMN file ever reaches Python's ``eval``.
"""

from __future__ import annotations

import functools

from bpmn_engine.interpreter.expressions import CompiledExpression, compile_expression
from bpmn_engine.interpreter.expressions.errors import ExpressionError, ExpressionSyntaxError
from bpmn_engine.interpreter.expressions.feel import FeelExpression, compile_feel
from bpmn_engine.interpreter.expressions.feel.nodes import Interval, InTests, UnaryComparison
from bpmn_engine.interpreter.expressions.lexer import tokenize
from bpmn_engine.interpreter.expressions.limits import CACHE_SIZE, MAX_SOURCE_LENGTH

from .unary import ANY, Positive, UnaryTests
from .unary_parser import UnaryTestsParser

__all__ = [
    "ANY",
    "FeelSyntaxError",
    "UnaryTests",
    "compile_unary_tests",
    "feel_expression",
    "juel_expression",
    "language_of",
    "listed_values",
]

FEEL = "feel"
JUEL = "juel"
_RANGES = (Interval, UnaryComparison)


class FeelSyntaxError(ExpressionSyntaxError):
    """A unary test or FEEL expression that does not compile."""


def language_of(declared: str | None) -> str | None:
    """``feel`` or ``juel`` for an ``expressionLanguage`` value, None if unsupported.

    No attribute, ``feel`` and the FEEL namespace URIs of DMN 1.1-1.3 mean FEEL.
    """
    if not declared or "feel" in declared.lower():
        return FEEL
    if declared.strip().lower() == JUEL:
        return JUEL
    return None


def feel_expression(text: str) -> CompiledExpression:
    """Compile a FEEL expression (``amount * 2``, ``status = "new"``)."""
    try:
        return compile_feel(text.strip())
    except ExpressionError as error:
        raise _syntax_error(error, text, len(text) - len(text.lstrip())) from None


def juel_expression(text: str) -> CompiledExpression:
    """Compile a column declared as JUEL: Baton's own language, ``${...}`` allowed."""
    try:
        return compile_expression(text)
    except ExpressionError as error:
        raise _syntax_error(error, text, 0) from None


def _syntax_error(error: ExpressionError, text: str, lead: int) -> FeelSyntaxError:
    column = None if error.column is None else error.column + lead
    return FeelSyntaxError(error.message, source=text, column=column)


def compile_unary_tests(text: str) -> UnaryTests:
    """Compile an input entry; raise ``FeelSyntaxError`` with the column of the problem."""
    if not isinstance(text, str):
        raise TypeError(f"an input entry must be a str, not {type(text).__name__}")
    if len(text) > MAX_SOURCE_LENGTH:
        raise FeelSyntaxError(
            f"input entry is too long: {len(text)} characters, the limit is "
            f"{MAX_SOURCE_LENGTH} (MAX_SOURCE_LENGTH)",
            source=text,
        )
    return _compile_unary_tests(text)


@functools.lru_cache(maxsize=CACHE_SIZE)
def _compile_unary_tests(text: str) -> UnaryTests:
    source = text.strip()
    if source in ("", "-"):
        return ANY
    try:
        tokens, _ = tokenize(text)
        tests = UnaryTestsParser(tokens, text).entry()
    except ExpressionError as error:
        raise FeelSyntaxError(error.message, source=text, column=error.column) from None
    return UnaryTests(source, tests)


def listed_values(text: str) -> tuple[object, ...]:
    """The constants an ``outputValues`` list names (``"low","high"``), in order.

    Comparisons and ranges name no single value and are skipped; a name raises
    ``ExpressionError`` (there are no variables at deploy time).
    """
    values = []
    for test in compile_unary_tests(text).tests:
        root = test.expression.root if isinstance(test, Positive) else None
        if isinstance(root, InTests) and not isinstance(root.tests[0], _RANGES):
            values.append(FeelExpression(text, root.tests[0]).evaluate({}))
    return tuple(values)
