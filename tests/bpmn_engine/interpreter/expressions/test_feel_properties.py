"""Property-based tests of the FEEL dialect: no input escapes as anything but an
ExpressionError, and every result is plain data."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bpmn_engine.interpreter.expressions import compile_expression
from tests.bpmn_engine.interpreter.expressions.test_expression_properties import compile_and_run

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TOKENS = [
    *"+-*/<>(),.[]{}:=",
    *["!=", "<=", ">=", "==", "..", "]", "["],
    *["and", "or", "not", "in", "some", "every", "satisfies", "if", "then", "else"],
    *["between", "null", "true", "false", "for", "return", "instance", "of"],
    *["a", "b", "l", "d", "n", "x", "string", "count", "sum", "upper case", "is defined"],
    *['"x"', "'y'", "0", "1", "-1", "2.5", "_"],
]

VARIABLES: dict[str, Any] = {
    "a": 3,
    "b": True,
    "l": [1, "x", None, [2]],
    "d": {"k": 1, "l": [1]},
    "n": None,
    "x": "text",
}


@SETTINGS
@given(st.text(max_size=200))
def test_arbitrary_text_compiles_or_raises_expression_error(text: str) -> None:
    compile_and_run("= " + text, VARIABLES)


@SETTINGS
@given(st.lists(st.sampled_from(TOKENS), max_size=30).map(" ".join))
def test_token_soup_compiles_or_fails_cleanly(source: str) -> None:
    compile_and_run("= " + source, VARIABLES)


@SETTINGS
@given(st.lists(st.sampled_from(TOKENS), max_size=30).map("".join))
def test_glued_token_soup_compiles_or_fails_cleanly(source: str) -> None:
    compile_and_run("= " + source, VARIABLES)


@SETTINGS
@given(
    st.lists(st.integers(min_value=-50, max_value=50), max_size=20),
    st.integers(min_value=-60, max_value=60),
)
def test_some_and_every_agree_with_python(items: list[int], bound: int) -> None:
    variables = {"items": items, "bound": bound}
    some = compile_expression("= some i in items satisfies i > bound").evaluate(variables)
    every = compile_expression("= every i in items satisfies i > bound").evaluate(variables)
    assert some is any(i > bound for i in items)
    assert every is all(i > bound for i in items)


@SETTINGS
@given(
    st.integers(min_value=-20, max_value=20),
    st.integers(min_value=-20, max_value=20),
    st.integers(min_value=-20, max_value=20),
    st.booleans(),
    st.booleans(),
)
def test_ranges_agree_with_python(
    value: int, low: int, high: int, low_closed: bool, high_closed: bool
) -> None:
    opener = "[" if low_closed else "("
    closer = "]" if high_closed else ")"
    source = f"= v in {opener}{low}..{high}{closer}"
    result = compile_expression(source).evaluate({"v": value})
    above = value >= low if low_closed else value > low
    below = value <= high if high_closed else value < high
    assert result is (above and below)
