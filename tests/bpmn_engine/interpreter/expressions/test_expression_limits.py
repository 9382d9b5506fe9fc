"""Limits and hostile input: every limit is enforced with a clear error, nothing escapes."""

from __future__ import annotations

import time
from typing import Any

import pytest

from bpmn_engine.interpreter.expressions import (
    ExpressionError,
    ExpressionRuntimeError,
    ExpressionSyntaxError,
    compile_expression,
    compile_script,
    compile_template,
    evaluate,
)
from bpmn_engine.interpreter.expressions.limits import (
    MAX_DEPTH,
    MAX_NODES,
    MAX_SIZE,
    MAX_SOURCE_LENGTH,
    MAX_STEPS,
)

BIG_TEXT = "x" * 900_000


def test_source_length_limit() -> None:
    """Sources longer than MAX_SOURCE_LENGTH are refused before any parsing."""
    assert MAX_SOURCE_LENGTH == 10_000
    with pytest.raises(ExpressionSyntaxError) as caught:
        compile_expression("a" * (MAX_SOURCE_LENGTH + 1))
    assert caught.value.message == (
        "expression is too long: 10001 characters, the limit is 10000 (MAX_SOURCE_LENGTH)"
    )
    with pytest.raises(ExpressionSyntaxError, match="MAX_SOURCE_LENGTH"):
        compile_template("x" * (MAX_SOURCE_LENGTH + 1))
    assert compile_expression("a" * MAX_SOURCE_LENGTH).variable_names() == {"a" * 10_000}


@pytest.mark.parametrize(
    "source",
    [
        "(" * 100 + "x" + ")" * 100,
        "-" * 100 + "1",
        "!" * 100 + "true",
        "not " * 100 + "true",
        "[" * 100 + "]" * 100,
        "abs(" * 100 + "1" + ")" * 100,
        "a ? b : " * 100 + "c",
        "a[" * 100 + "0" + "]" * 100,
        "{'a': " * 100 + "1" + "}" * 100,
        "${" + "(" * 100 + "x" + ")" * 100 + "}",
    ],
)
def test_nesting_depth_limit(source: str) -> None:
    """Nesting deeper than MAX_DEPTH is a syntax error naming the limit."""
    assert MAX_DEPTH == 64
    with pytest.raises(ExpressionSyntaxError) as caught:
        compile_expression(source)
    assert caught.value.message == (
        "expression is nested too deeply: more than 64 levels (MAX_DEPTH)"
    )


def test_moderate_nesting_is_fine() -> None:
    """Realistic nesting well below the limit compiles and evaluates."""
    assert evaluate("(" * 40 + "1" + ")" * 40, {}) == 1
    assert evaluate("-" * 40 + "1", {}) == 1


@pytest.mark.parametrize("count", [4_999, 10_000])
def test_thousands_of_nested_parens_give_a_syntax_error_not_recursion_error(count: int) -> None:
    """Hostile deep nesting is an ExpressionSyntaxError (depth or length), never a crash."""
    with pytest.raises(ExpressionSyntaxError, match="MAX_DEPTH|MAX_SOURCE_LENGTH"):
        compile_expression("(" * count + "x" + ")" * count)


def test_long_flat_chains_are_not_nesting() -> None:
    """`a + a + ...` and `a.b.c...` chains are flat: limited by node count, not depth."""
    assert evaluate(" + ".join(["1"] * 500), {}) == 500
    assert evaluate(" and ".join(["true"] * 500), {}) is True
    assert evaluate("d" + ".d" * 300, {"d": _self_nested(300)}) == {}


def _self_nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(depth):
        value = {"d": value}
    return value


def test_node_count_limit() -> None:
    """More than MAX_NODES syntax nodes is refused with a message naming the limit."""
    assert MAX_NODES == 2_000
    with pytest.raises(ExpressionSyntaxError) as caught:
        compile_expression("a" + " + a" * MAX_NODES)
    assert (
        caught.value.message == "expression is too large: more than 2000 syntax nodes (MAX_NODES)"
    )
    with pytest.raises(ExpressionSyntaxError, match="MAX_NODES"):
        compile_template("${a}-" * 1_500)


def test_evaluation_step_limit() -> None:
    """Work beyond MAX_STEPS (nodes plus data scanned by builtins) stops evaluation."""
    assert MAX_STEPS == 100_000
    source = " or ".join(["s.contains('z')"] * 12)
    started = time.monotonic()
    with pytest.raises(ExpressionRuntimeError) as caught:
        evaluate(source, {"s": BIG_TEXT})
    assert caught.value.message == "evaluation exceeded the limit of 100000 steps (MAX_STEPS)"
    assert time.monotonic() - started < 5
    # Fewer scans stay within the budget.
    assert evaluate(" or ".join(["s.contains('z')"] * 10), {"s": BIG_TEXT}) is False


def test_each_evaluate_call_gets_a_fresh_budget() -> None:
    """The step budget is per evaluate() call, not per compiled expression."""
    compiled = compile_expression(" or ".join(["s.contains('z')"] * 10))
    for _ in range(3):
        assert compiled.evaluate({"s": BIG_TEXT}) is False


@pytest.mark.parametrize(
    ("source", "variables"),
    [
        ("s + s", {"s": "x" * 600_000}),
        ("l + l", {"l": [0] * 600_000}),
        ("'a' + s", {"s": "x" * MAX_SIZE}),
        ("str(l)", {"l": list(range(200_000))}),
    ],
)
def test_produced_value_size_limit(source: str, variables: dict[str, Any]) -> None:
    """No str/list produced by an expression may exceed MAX_SIZE characters/items."""
    with pytest.raises(ExpressionRuntimeError, match=r"exceeds the limit of 1000000 .*MAX_SIZE"):
        evaluate(source, variables)


def test_template_result_size_limit() -> None:
    """Mixed templates are bounded like any other produced string."""
    with pytest.raises(ExpressionRuntimeError, match="MAX_SIZE"):
        compile_template("${s}${s}").evaluate({"s": "x" * 600_000})


def test_reading_large_input_values_is_allowed() -> None:
    """Only values the expression builds are limited; large inputs can still be read."""
    big = "x" * (MAX_SIZE + 10)
    assert evaluate("s", {"s": big}) is big
    assert evaluate("d.get('s')", {"d": {"s": big}}) is big


def test_integer_size_limit() -> None:
    """Integers are capped at 4096 bits, as literals, results and conversions."""
    with pytest.raises(ExpressionSyntaxError, match="integer literal exceeds the limit of 4096"):
        compile_expression("9" * 1_300)
    with pytest.raises(ExpressionSyntaxError, match="integer literal exceeds the limit of 4096"):
        compile_expression("9" * 1_234)
    with pytest.raises(ExpressionRuntimeError, match="integer result exceeds the limit of 4096"):
        evaluate("n * n", {"n": 2**4_000})
    with pytest.raises(ExpressionRuntimeError, match="exceeds the limit of 4096 bits"):
        evaluate("int(s)", {"s": "9" * 1_234})
    assert evaluate("n * 2", {"n": 2**4_000}) == 2**4_001


def test_non_finite_floats_are_refused() -> None:
    """Float overflow and out-of-range literals are errors, never inf/nan results."""
    with pytest.raises(ExpressionRuntimeError, match="result is not a finite number"):
        evaluate("1e308 * 10", {})
    with pytest.raises(ExpressionSyntaxError, match="number literal is out of range"):
        compile_expression("1e999")
    with pytest.raises(ExpressionRuntimeError, match="result of '/' is too large"):
        evaluate("n / 3", {"n": 2**4_000})


@pytest.mark.parametrize(
    ("source", "error", "message"),
    [
        (
            "__import__('os').system('x')",
            ExpressionSyntaxError,
            "names starting with '_' are not allowed: '__import__'",
        ),
        ("x.__class__", ExpressionSyntaxError, "names starting with '_' are not allowed"),
        ("().__class__.__bases__", ExpressionSyntaxError, "unexpected ')'"),
        ("s.__len__()", ExpressionSyntaxError, "names starting with '_' are not allowed"),
        ('"a" * 99999999', ExpressionRuntimeError, "operator '*' cannot be applied to str"),
        ("[0] * 99999999", ExpressionRuntimeError, "operator '*' cannot be applied to list"),
        (
            "9**9**9",
            ExpressionSyntaxError,
            "unexpected '**'; the power operator '**' is not supported",
        ),
        ("s.format(x)", ExpressionRuntimeError, "unknown method 'format' for str"),
        ("s.join(x)", ExpressionRuntimeError, "unknown method 'join' for str"),
        ("eval('1')", ExpressionRuntimeError, "unknown function 'eval'"),
        ("getattr(x, 'y')", ExpressionRuntimeError, "unknown function 'getattr'"),
        ("lambda: 1", ExpressionSyntaxError, "unexpected ':'"),
        ("x.y", ExpressionRuntimeError, "cannot read property 'y' of Secret"),
        ("x.y()", ExpressionRuntimeError, "unknown method 'y' for Secret"),
    ],
)
def test_hostile_inputs_are_refused(
    source: str, error: type[ExpressionError], message: str
) -> None:
    """Attempts to reach Python internals or to blow up memory fail cleanly."""
    variables = {"x": Secret(), "s": "abc"}
    with pytest.raises(error) as caught:
        evaluate(source, variables)
    assert caught.value.message.startswith(message), caught.value.message


class Secret:
    """An arbitrary Python object: its attributes must stay out of reach."""

    y = "leaked"

    def __str__(self) -> str:
        return "secret"


def test_deeply_nested_variable_data_is_an_expression_error() -> None:
    """Recursion on hostile *data* is reported as ExpressionRuntimeError, not RecursionError."""
    deep: list[Any] = []
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(ExpressionRuntimeError, match="nested too deeply"):
        evaluate("a == b", {"a": deep, "b": deep})
    with pytest.raises(ExpressionRuntimeError, match="nested too deeply"):
        evaluate("str(a)", {"a": deep})


def test_script_limits() -> None:
    """Scripts share the length limit and ONE step budget across all their lines."""
    with pytest.raises(ExpressionSyntaxError, match="script is too long"):
        compile_script("a = 1\n" * 2_000)
    script = compile_script("\n".join(f"a{i} = s.contains('z')" for i in range(12)))
    with pytest.raises(ExpressionRuntimeError, match="MAX_STEPS") as caught:
        script.run({"s": BIG_TEXT})
    assert caught.value.line == 12
