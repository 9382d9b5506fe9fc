"""The FEEL dialect (``= expr``): the subset diagrams use, with FEEL's semantics."""

from __future__ import annotations

from typing import Any

import pytest

from bpmn_engine.interpreter.expressions import (
    ExpressionRuntimeError,
    ExpressionSyntaxError,
    UnknownVariableError,
    compile_expression,
)
from bpmn_engine.interpreter.expressions.feel import compile_feel, feel_body, is_feel

VARIABLES: dict[str, Any] = {
    "riskLevels": ["yellow", "red"],
    "Vacation Approval": "Approved",
    "Current Vacation Status": {"days": 12, "name": "Ann", "email": None},
    "body": {"value": [{"id": 1}, {"id": 2}]},
    "approved": False,
    "amount": 1500,
    "n": None,
    "items": [3, 1, 2],
}


def feel(source: str) -> Any:
    return compile_expression("= " + source).evaluate(VARIABLES)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('some risk in riskLevels satisfies risk = "red"', True),
        ('every risk in riskLevels satisfies risk = "yellow"', False),
        ("every x in [] satisfies x > 1", True),
        ("some x in [1, 2], y in [10, 20] satisfies x + y = 22", True),
        ('Vacation Approval = "Approved"', True),
        ('Vacation Approval != "Approved"', False),
        ("Current Vacation Status.days >= 10", True),
        ("Current Vacation Status.missing", None),
        ("body.value[1].id", 1),
        ("body.value[-1].id", 2),
        ("body.value[5]", None),
        ("body.value.id", [1, 2]),
        ("not(approved)", True),
        ("not(n)", None),
        ("approved or amount > 1000", True),
        ("approved and n", False),
        ("true and n", None),
        ("n > 1", None),
        ("n = null", True),
        ("amount in [1000..2000]", True),
        ("amount in ]1500..2000]", False),
        ("amount in (1, 2, 1500)", True),
        ("amount in < 100", False),
        ('"b" in ("a", "b")', True),
        ("amount between 1000 and 1500", True),
        ('if amount > 1000 then "big" else "small"', "big"),
        ("if n then 1 else 2", 2),
        ('"a" + string(amount)', "a1500"),
        ("string(n)", None),
        ('upper case("ab") + lower case("CD")', "ABcd"),
        ('string length("abc")', 3),
        ('substring("foobar", 3)', "obar"),
        ('substring("foobar", -2, 1)', "a"),
        ('contains("foobar", "oba") and starts with("foo", "f") and ends with("foo", "o")', True),
        ("count(items) + sum(items) + min(items) + max(3, 9)", 3 + 6 + 1 + 9),
        ("list contains(items, 2)", True),
        ("floor(2.5) + ceiling(2.5) + abs(-1)", 6),
        ('number("42") + number("1.5")', 43.5),
        ("is defined(nothing)", False),
        ("is defined(amount)", True),
        ('{a: 1, "b c": 2}.b c', 2),
        ("amount == 1500", True),
    ],
)
def test_feel_expressions(source: str, expected: Any) -> None:
    assert feel(source) == expected


def test_the_marker_selects_the_dialect() -> None:
    assert is_feel("= a") and is_feel("  =a") and not is_feel("== a") and not is_feel("a = 1")
    assert feel_body(" = a = 1 ") == "a = 1"
    assert compile_feel("amount = 1500").evaluate(VARIABLES) is True
    assert compile_expression("= amount").variable_names() == frozenset({"amount"})
    quantified = compile_expression("= some x in items satisfies x = amount")
    assert quantified.variable_names() == frozenset({"items", "amount"})


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("for x in items return x", "'for' loops are not supported"),
        ("function(x) x", "function definitions are not supported"),
        ("x instance of number", "unexpected 'instance'"),
        ("date(a)", "unknown function 'date'"),
        ("_hidden", "names starting with '_' are not allowed"),
        ("some x in items", "expected 'satisfies'"),
        ("if a then b", "expected 'else'"),
        ("a +", "unexpected end of expression"),
        ("[1..", "unexpected end of expression"),
    ],
)
def test_outside_the_subset_is_a_syntax_error(source: str, message: str) -> None:
    with pytest.raises(ExpressionSyntaxError) as caught:
        compile_expression("= " + source)
    assert message in caught.value.message


def test_runtime_errors_and_unknown_names() -> None:
    with pytest.raises(UnknownVariableError):
        feel("nothing = 1")
    with pytest.raises(ExpressionRuntimeError, match="needs a list"):
        feel("some x in amount satisfies x = 1")
    with pytest.raises(ExpressionRuntimeError, match="only follow 'in'"):
        feel("[1..2]")


def test_quantifiers_are_bounded_by_the_step_budget() -> None:
    big = {"l": list(range(1000))}
    source = "= some x in l, y in l, z in l satisfies x + y + z < 0"
    with pytest.raises(ExpressionRuntimeError, match="MAX_STEPS"):
        compile_expression(source).evaluate(big)


def test_nesting_is_limited_like_the_safe_language() -> None:
    with pytest.raises(ExpressionSyntaxError, match="nested too deeply"):
        compile_expression("= " + "(" * 100 + "1" + ")" * 100)
    with pytest.raises(ExpressionSyntaxError, match="too large"):
        compile_expression("= " + " + ".join(["1"] * 2500))
