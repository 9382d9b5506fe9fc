"""Literals, operators and precedence of the expression language."""

from __future__ import annotations

from typing import Any

import pytest

from bpmn_engine.interpreter.expressions import ExpressionRuntimeError, evaluate

VARIABLES: dict[str, Any] = {
    "t": True,
    "f": False,
    "n": None,
    "i": 7,
    "x": 2.5,
    "s": "abc",
    "items": [1, 2, 3],
    "d": {"a": 1, "nested": {"k": [10, 20]}},
}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("42", 42),
        ("4.25", 4.25),
        ("1e3", 1000.0),
        ("'single'", "single"),
        ('"double"', "double"),
        (r"'it\'s'", "it's"),
        (r'"say \"hi\""', 'say "hi"'),
        (r"'a\\b\nc\td'", "a\\b\nc\td"),
        ("true", True),
        ("True", True),
        ("false", False),
        ("False", False),
        ("null", None),
        ("None", None),
        ("[1, 2, 'a']", [1, 2, "a"]),
        ("[]", []),
        ("[1, 2,]", [1, 2]),
        ('{"a": 1, "b": [true]}', {"a": 1, "b": [True]}),
        ("{}", {}),
    ],
)
def test_literals_evaluate_to_plain_python_values(source: str, expected: Any) -> None:
    """Every literal form yields the matching plain Python value and type."""
    result = evaluate(source, {})
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("1 + 2", 3),
        ("i - 10", -3),
        ("i * 2", 14),
        ("7 / 2", 3.5),
        ("7 div 2", 3.5),
        ("8 / 2", 4.0),
        ("7 % 3", 1),
        ("7 mod 3", 1),
        ("x * 2", 5.0),
        ("-i", -7),
        ("- -i", 7),
        ("'ab' + 'cd'", "abcd"),
        ("[1] + [2, 3]", [1, 2, 3]),
    ],
)
def test_arithmetic_operators(source: str, expected: Any) -> None:
    """`+ - * / % div mod` and unary minus; int stays int except for true division."""
    result = evaluate(source, VARIABLES)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("i == 7", True),
        ("i eq 7", True),
        ("i != 7", False),
        ("i ne 8", True),
        ("2 == 2.0", True),
        ("null == null", True),
        ("n == null", True),
        ("n == 0", False),
        ("t == 1", False),
        ("'1' == 1", False),
        ("[1, 2] == [1, 2.0]", True),
        ("{'a': 1} == {'a': 1}", True),
        ("1 < 2", True),
        ("1 lt 2", True),
        ("2 > 1", True),
        ("2 gt 1", True),
        ("2 <= 2", True),
        ("2 le 1", False),
        ("2 >= 3", False),
        ("3 ge 3", True),
        ("1 < 1.5", True),
        ("'abc' < 'abd'", True),
    ],
)
def test_comparison_operators(source: str, expected: bool) -> None:
    """Equality works across int/float and null; bool never equals a number; no coercion."""
    assert evaluate(source, VARIABLES) is expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("2 in items", True),
        ("5 in items", False),
        ("5 not in items", True),
        ("'b' in s", True),
        ("'z' not in s", True),
        ("'a' in d", True),
        ("'zz' in d", False),
        ("2.0 in items", True),
        ("true in [1]", False),
    ],
)
def test_membership_operators(source: str, expected: bool) -> None:
    """`in` / `not in` test list items, substrings and dict keys."""
    assert evaluate(source, VARIABLES) is expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("t && f", False),
        ("t and t", True),
        ("f || t", True),
        ("f or f", False),
        ("!t", False),
        ("not f", True),
        ("empty n", True),
        ("empty ''", True),
        ("empty []", True),
        ("empty {}", True),
        ("empty s", False),
        ("empty 0", False),
        ("not empty items", True),
        ("t ? 1 : 2", 1),
        ("f ? 1 : 2", 2),
        ("'yes' if t else 'no'", "yes"),
        ("'yes' if f else 'no'", "no"),
    ],
)
def test_logical_empty_and_conditional_operators(source: str, expected: Any) -> None:
    """Logic operators on booleans, `empty`, and both conditional spellings."""
    assert evaluate(source, VARIABLES) == expected


def test_and_or_short_circuit_skips_the_right_operand() -> None:
    """`false and x` / `true or x` never evaluate x (so an unknown x is no error)."""
    assert evaluate("f && missing", VARIABLES) is False
    assert evaluate("t or missing", VARIABLES) is True
    assert evaluate("f ? missing : 1", VARIABLES) == 1


def test_logic_operators_require_booleans() -> None:
    """Only real booleans are tested: a number operand is an 'expected a boolean' error."""
    with pytest.raises(ExpressionRuntimeError, match="expected a boolean for 'and', got int"):
        evaluate("t && i", VARIABLES)
    with pytest.raises(ExpressionRuntimeError, match="expected a boolean for 'or', got str"):
        evaluate("s || t", VARIABLES)
    with pytest.raises(ExpressionRuntimeError, match="expected a boolean for 'not', got int"):
        evaluate("!i", VARIABLES)
    with pytest.raises(ExpressionRuntimeError, match="expected a boolean condition, got null"):
        evaluate("n ? 1 : 2", VARIABLES)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("10 - 4 - 3", 3),
        ("12 / 3 / 2", 2.0),
        ("2 * 3 % 4", 2),
        ("-2 * 3", -6),
        ("-(2 + 3)", -5),
        ("1 + 2 == 3", True),
        ("1 < 2 == true", True),
        ("1 + 1 in items", True),
        ("t || f && f", True),
        ("(t || f) && f", False),
        ("!f && t", True),
        ("not 1 == 2", True),
        ("!t == f", True),
        ("not t or t", True),
        ("t ? 1 : f ? 2 : 3", 1),
        ("f ? 1 : f ? 2 : 3", 3),
        ("1 if f else 2 if f else 3", 3),
        ("i > 5 and s == 'abc' or f", True),
        ("empty s == false", True),
        ("d.nested.k[1] * 2", 40),
        ("-d.a", -1),
        ("items.size() + 1", 4),
    ],
)
def test_precedence(source: str, expected: Any) -> None:
    """Postfix > unary > * / % > + - > relations/in > equality > not > and > or > ternary."""
    assert evaluate(source, VARIABLES) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("d.a", 1),
        ("d['a']", 1),
        ("d.nested.k", [10, 20]),
        ("d.nested['k'][0]", 10),
        ("items[0]", 1),
        ("items[-1]", 3),
        ("s[1]", "b"),
        ("{'x': [5]}.x[0]", 5),
    ],
)
def test_property_and_index_access(source: str, expected: Any) -> None:
    """`.key` reads dict keys; `[i]` indexes lists/strs (negative from the end) and dicts."""
    assert evaluate(source, VARIABLES) == expected
