"""FEEL unary tests: every supported form, on the safe evaluator."""

from __future__ import annotations

import pytest

from bpmn_engine.dmn.feel import FeelSyntaxError, compile_unary_tests, feel_expression


@pytest.mark.parametrize(
    ("entry", "value", "expected"),
    [
        ("-", "anything", True),
        ("", None, True),
        ('"gold"', "gold", True),
        ('"gold"', "silver", False),
        ('"a","b"', "b", True),
        ('"a", "b"', "c", False),
        ('"x,y", "z"', "x,y", True),  # a comma inside a string does not split
        ("42", 42, True),
        ("42", 42.0, True),
        ("42", "42", False),  # no coercion between numbers and strings
        ("-3.5", -3.5, True),
        ("true", True, True),
        ("true", 1, False),
        ("false", False, True),
        ("null", None, True),
        ("< 250", 249.99, True),
        ("< 250", 250, False),
        ("<= 250", 250, True),
        ("> 250", 251, True),
        (">= 250", 249, False),
        ('< "m"', "apple", True),  # strings compare lexically
        ("[250..1000]", 250, True),
        ("[250..1000]", 1000, True),
        ("[250..1000]", 1000.5, False),
        ("]250..1000[", 250, False),
        ("]250..1000[", 999, True),
        ("]250..1000[", 1000, False),
        ("(250..1000)", 1000, False),
        ("[250..1000)", 250, True),
        ("[1.5..2.5]", 2, True),
        ('not("x")', "y", True),
        ('not("x")', "x", False),
        ('not("x", "y")', "y", False),
        ("not(< 3)", 5, True),
        ("not(< 3)", 1, False),
        ("not([1..3], 7)", 7, False),
        ("< 3, > 10", 11, True),
        ("< 3, > 10", 5, False),
        ("< 250", None, False),  # null never compares
        ("[1..2]", None, False),
    ],
)
def test_unary_test_forms(entry, value, expected):
    """Each form accepts exactly the values FEEL says it does."""
    assert compile_unary_tests(entry).matches(value, {}) is expected


def test_endpoints_and_values_may_be_expressions_over_variables():
    tests = compile_unary_tests("[low..low * 2], limit")
    variables = {"low": 10, "limit": 99}
    assert tests.matches(20, variables)
    assert tests.matches(99, variables)
    assert not tests.matches(21, variables)


def test_feel_equality_is_translated_outside_strings_only():
    """FEEL writes ``=`` for equality; ``"a=b"`` stays a string and ``<=`` stays ``<=``."""
    compiled = feel_expression('status = "a=b" and n <= 3')
    assert compiled.evaluate({"status": "a=b", "n": 3}) is True
    assert compiled.evaluate({"status": "a", "n": 3}) is False


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("[1..", "a range must end with ']', '[' or ')'"),
        ("< ", "a value is missing"),
        ('"a",,"b"', "empty test between commas"),
        ('"a", -', "'-' (any value) must be the whole entry"),
        ("not(not(1))", "not(...) cannot be nested"),
        ("not()", "not() needs at least one test"),
        ("not(1", "not( must be closed by ')' at the end of the test"),
        ('__import__("os")', "names starting with '_' are not allowed"),
        ("x = ", "unexpected end of expression"),
    ],
)
def test_malformed_entries_are_syntax_errors_with_a_message(entry, message):
    with pytest.raises(FeelSyntaxError) as raised:
        compile_unary_tests(entry)
    assert message in raised.value.message


def test_a_syntax_error_points_at_its_column_in_the_entry():
    with pytest.raises(FeelSyntaxError) as raised:
        compile_unary_tests('"a", < )')
    assert raised.value.column == 8
    assert raised.value.source == '"a", < )'


def test_unknown_functions_are_refused_at_deploy_never_called():
    """Only the FEEL dialect's whitelisted functions exist; nothing reaches Python. The
    FEEL parser knows the whitelist, so the entry is refused when the file is parsed."""
    with pytest.raises(FeelSyntaxError, match="unknown function 'date'"):
        compile_unary_tests('date("2020-01-01")')
