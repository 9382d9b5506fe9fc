"""FEEL unary tests and simple expressions, compiled onto Baton's safe evaluator.

A DMN input entry is a list of *unary tests* against the input's value: ``-`` (anything),
``"a","b"`` (equal to one of them), ``< 250``, ``[250..1000]``, ``]a..b[``, ``not(...)``.
Only that small grammar is parsed here; every endpoint and value inside it is an ordinary
expression compiled by ``bpmn_engine.interpreter.expressions`` and compared with its
operators, so nothing from a DMN file ever reaches Python's ``eval``.

FEEL writes equality as ``=``; the safe language writes ``==``, so a lone ``=`` outside a
string is translated. Endpoints that are lists (``[1, 2]``) are not part of the supported
subset, nor are FEEL's date and time literals (their functions are unknown at deploy).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bpmn_engine.interpreter.expressions import CompiledExpression, compile_expression
from bpmn_engine.interpreter.expressions.errors import ExpressionError, ExpressionSyntaxError
from bpmn_engine.interpreter.expressions.limits import Budget
from bpmn_engine.interpreter.expressions.operators import compare, equals

_COMPARISONS = ("<=", ">=", "<", ">")
_RANGE_STARTS = "[]("
_RANGE_ENDS = "[])"


class FeelSyntaxError(ExpressionSyntaxError):
    """A unary test or FEEL expression that does not compile."""


def feel_expression(text: str) -> CompiledExpression:
    """Compile a FEEL simple expression (``amount * 2``, ``status = "new"``)."""
    source = _equality(text.strip())
    lead = len(text) - len(text.lstrip())
    try:
        return compile_expression(source)
    except ExpressionError as error:
        column = None if error.column is None else error.column + lead
        raise FeelSyntaxError(error.message, source=text, column=column) from None


def _equality(text: str) -> str:
    """FEEL's ``=`` becomes ``==``; ``<=``, ``>=``, ``!=``, ``==`` and strings are kept."""
    out: list[str] = []
    in_string = False
    for index, char in enumerate(text):
        if in_string:
            in_string = char != '"' or text[index - 1] == "\\"
        elif char == '"':
            in_string = True
        elif char == "=":
            before = text[index - 1] if index else ""
            after = text[index + 1] if index + 1 < len(text) else ""
            if before not in "<>!=" and after != "=":
                out.append("==")
                continue
        out.append(char)
    return "".join(out)


class UnaryTest:
    """One comma-separated part of an input entry."""

    __slots__ = ()

    def matches(self, value: Any, variables: Mapping[str, Any]) -> bool:
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class Equal(UnaryTest):
    expression: CompiledExpression

    def matches(self, value: Any, variables: Mapping[str, Any]) -> bool:
        return equals(Budget(), value, self.expression.evaluate(variables))


@dataclass(frozen=True, slots=True)
class Compare(UnaryTest):
    """``< x``: true when the input value compares so with ``x``; null never matches."""

    op: str
    expression: CompiledExpression

    def matches(self, value: Any, variables: Mapping[str, Any]) -> bool:
        bound = self.expression.evaluate(variables)
        if value is None or bound is None:
            return False
        return compare(self.op, value, bound)


@dataclass(frozen=True, slots=True)
class Range(UnaryTest):
    """``[a..b]`` (closed), ``]a..b[`` or ``(a..b)`` (open), and mixed ends."""

    low: CompiledExpression
    low_closed: bool
    high: CompiledExpression
    high_closed: bool

    def matches(self, value: Any, variables: Mapping[str, Any]) -> bool:
        low, high = self.low.evaluate(variables), self.high.evaluate(variables)
        if value is None or low is None or high is None:
            return False
        above = compare(">=" if self.low_closed else ">", value, low)
        return above and compare("<=" if self.high_closed else "<", value, high)


@dataclass(frozen=True, slots=True)
class Not(UnaryTest):
    tests: tuple[UnaryTest, ...]

    def matches(self, value: Any, variables: Mapping[str, Any]) -> bool:
        return not any(test.matches(value, variables) for test in self.tests)


@dataclass(frozen=True, slots=True)
class UnaryTests:
    """A whole input entry; ``tests`` is empty for ``-`` (which accepts every value)."""

    source: str
    tests: tuple[UnaryTest, ...]

    def matches(self, value: Any, variables: Mapping[str, Any]) -> bool:
        return not self.tests or any(test.matches(value, variables) for test in self.tests)


ANY = UnaryTests("-", ())


def compile_unary_tests(text: str) -> UnaryTests:
    """Compile an input entry; raise ``FeelSyntaxError`` with the column of the problem."""
    source = text.strip()
    if source in ("", "-"):
        return UnaryTests(source or "-", ())
    return UnaryTests(source, _tests(text, 0, allow_not=True))


def _tests(text: str, offset: int, *, allow_not: bool) -> tuple[UnaryTest, ...]:
    tests = []
    for start, piece in split_list(text):
        try:
            tests.append(_test(piece, offset + start, allow_not=allow_not))
        except FeelSyntaxError as error:
            error.source = text
            raise
    return tuple(tests)


def split_list(text: str) -> list[tuple[int, str]]:
    """Split at top-level commas (outside strings and brackets): ``(offset, part)`` pairs."""
    parts: list[tuple[int, str]] = []
    start = depth = 0
    in_string = False
    index = 0
    while index < len(text):
        char = text[index]
        if in_string:
            if char == "\\":
                index += 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "," and depth <= 0:
            parts.append((start, text[start:index]))
            start, depth = index + 1, 0
        index += 1
    parts.append((start, text[start:]))
    return parts


def _fail(message: str, column: int) -> FeelSyntaxError:
    return FeelSyntaxError(message, column=column + 1)


def _test(piece: str, offset: int, *, allow_not: bool) -> UnaryTest:
    stripped = piece.strip()
    column = offset + len(piece) - len(piece.lstrip())
    if not stripped:
        raise _fail("empty test between commas", column)
    if stripped == "-":
        raise _fail("'-' (any value) must be the whole entry", column)
    if stripped.startswith("not") and stripped[3:].lstrip().startswith("("):
        return _negation(stripped, column, allow_not=allow_not)
    for op in _COMPARISONS:
        if stripped.startswith(op):
            return Compare(op, _expression(stripped[len(op) :], column + len(op)))
    dots = _find_dots(stripped) if stripped[0] in _RANGE_STARTS else -1
    if dots > 0 and stripped[-1] not in _RANGE_ENDS:
        raise _fail("a range must end with ']', '[' or ')'", column + len(stripped) - 1)
    if dots > 0:
        return Range(
            _expression(stripped[1:dots], column + 1),
            stripped[0] == "[",
            _expression(stripped[dots + 2 : -1], column + dots + 2),
            stripped[-1] == "]",
        )
    return Equal(_expression(stripped, column))


def _negation(stripped: str, column: int, *, allow_not: bool) -> UnaryTest:
    if not allow_not:
        raise _fail("not(...) cannot be nested", column)
    opening = stripped.index("(")
    if not stripped.endswith(")"):
        raise _fail("not( must be closed by ')' at the end of the test", column)
    inner = stripped[opening + 1 : -1]
    if not inner.strip():
        raise _fail("not() needs at least one test", column)
    return Not(_tests(inner, column + opening + 1, allow_not=False))


def _find_dots(text: str) -> int:
    """Offset of the first ``..`` outside a string, or -1."""
    in_string = False
    for index, char in enumerate(text):
        if char == '"' and (index == 0 or text[index - 1] != "\\"):
            in_string = not in_string
        elif not in_string and text.startswith("..", index):
            return index
    return -1


def _expression(text: str, column: int) -> CompiledExpression:
    if not text.strip():
        raise _fail("a value is missing", column)
    try:
        return feel_expression(text)
    except FeelSyntaxError as error:
        raise _fail(error.message, column + (error.column or 1) - 1) from None
