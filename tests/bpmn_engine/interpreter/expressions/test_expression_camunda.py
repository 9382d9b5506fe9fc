"""Camunda/JUEL style expressions, templates, whitelisted methods and functions."""

from __future__ import annotations

from typing import Any

import pytest

from bpmn_engine.interpreter.expressions import (
    CompiledExpression,
    ExpressionRuntimeError,
    ExpressionSyntaxError,
    compile_expression,
    compile_template,
    evaluate,
    is_template,
)

VARIABLES: dict[str, Any] = {
    "approved": True,
    "amount": 1500,
    "region": "EU",
    "test": "abc",
    "list": [],
    "x": 3,
    "initiator": "bob",
    "id": 42,
    "n": 5,
    "groups": ["sales", "hr"],
    "order": {"total": 10, "lines": [1, 2]},
}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("${approved}", True),
        ("${!approved}", False),
        ('${amount > 1000 && region == "EU"}', True),
        ('${test.contains("a")}', True),
        ("${empty list}", True),
        ("${not approved}", False),
        ("#{x}", 3),
        ("amount > 1000 and approved", True),
        ("  ${ approved }  ", True),
        ("${order.total gt 5}", True),
        ("${{'a': 1}.a}", 1),
        ("${'}' == '}'}", True),
    ],
)
def test_camunda_and_plain_expressions(source: str, expected: Any) -> None:
    """`${...}`, `#{...}` and plain text are all one expression."""
    assert evaluate(source, VARIABLES) == expected


def test_compiled_expression_is_reusable_and_cached() -> None:
    """Compiling the same text twice returns the same cached, immutable object."""
    first = compile_expression("${amount > 1000}")
    assert first is compile_expression("${amount > 1000}")
    assert isinstance(first, CompiledExpression)
    assert first.source == "${amount > 1000}"
    assert first.evaluate({"amount": 5}) is False
    assert first.evaluate({"amount": 5000}) is True


def test_variable_names_lists_the_identifiers_read() -> None:
    """variable_names() reports variables, not function/method/property names."""
    compiled = compile_expression("${len(a.items) > b.size() && c['k'] == upper(d)}")
    assert compiled.variable_names() == frozenset({"a", "b", "c", "d"})


def test_evaluate_does_not_mutate_variables() -> None:
    """Evaluation returns new values and leaves the caller's mapping untouched."""
    variables = {"a": [1], "b": [2]}
    assert evaluate("a + b", variables) == [1, 2]
    assert variables == {"a": [1], "b": [2]}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("bob", "bob"),
        ("", ""),
        ("cost: $5 {x}", "cost: $5 {x}"),
        ("${initiator}", "bob"),
        ("user-${id}", "user-42"),
        ("user-${id}-x", "user-42-x"),
        ("${n}", 5),
        (" ${n} ", 5),
        ("#{groups}", ["sales", "hr"]),
        ("${initiator}/${id}", "bob/42"),
        ("${approved}!", "true!"),
        ("[${null}]", "[]"),
        ("${groups}.", '["sales", "hr"].'),
        ("${ {'a': '}'}.a }x", "}x"),
    ],
)
def test_templates(source: str, expected: Any) -> None:
    """Plain text is literal; exactly one `${expr}` is the raw value; mixed text is a str."""
    result = compile_template(source).evaluate(VARIABLES)
    assert result == expected
    assert type(result) is type(expected)


def test_template_errors_point_into_the_template() -> None:
    """Syntax and runtime errors in a template part carry the template column."""
    with pytest.raises(ExpressionSyntaxError) as syntax:
        compile_template("user-${id +}")
    assert syntax.value.column == 12
    with pytest.raises(ExpressionSyntaxError, match="missing '}' to close"):
        compile_template("user-${id")
    with pytest.raises(ExpressionRuntimeError) as runtime:
        compile_template("user-${missing}").evaluate(VARIABLES)
    assert runtime.value.column == 8
    assert runtime.value.message == "Unknown variable 'missing'"


def test_compiled_templates_are_cached() -> None:
    """Attribute templates are compiled once per distinct text."""
    assert compile_template("user-${id}") is compile_template("user-${id}")


def test_is_template() -> None:
    """is_template is true exactly when the text has a `${` or `#{` part."""
    assert is_template("${a}")
    assert is_template("x #{a}")
    assert not is_template("plain $ { text }")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("test.contains('b')", True),
        ("test.startsWith('ab')", True),
        ("test.endsWith('bc')", True),
        ("test.length()", 3),
        ("test.isEmpty()", False),
        ("test.toUpperCase()", "ABC"),
        ("'AbC'.toLowerCase()", "abc"),
        ("'  a  '.trim()", "a"),
        ("test.equals('abc')", True),
        ("test.equals(1)", False),
        ("test.equalsIgnoreCase('ABC')", True),
        ("test.equalsIgnoreCase(null)", False),
        ("test.substring(1)", "bc"),
        ("test.substring(0, 2)", "ab"),
        ("test.indexOf('c')", 2),
        ("test.indexOf('z')", -1),
        ("groups.contains('hr')", True),
        ("groups.size()", 2),
        ("groups.isEmpty()", False),
        ("groups.get(1)", "hr"),
        ("groups.indexOf('hr')", 1),
        ("[1, 2.0].indexOf(2)", 1),
        ("[1, 2].contains(2.0)", True),
        ("order.containsKey('total')", True),
        ("order.get('total')", 10),
        ("order.get('nope')", None),
        ("order.size()", 2),
        ("{}.isEmpty()", True),
    ],
)
def test_whitelisted_methods(source: str, expected: Any) -> None:
    """The Java-style methods Camunda users write on strings, lists and maps."""
    assert evaluate(source, VARIABLES) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("len('abc')", 3),
        ("len(groups)", 2),
        ("len(order)", 2),
        ("str(42)", "42"),
        ("str(1.5)", "1.5"),
        ("str(true)", "true"),
        ("str(null)", ""),
        ("str([1, 'a'])", '[1, "a"]'),
        ("int('42')", 42),
        ("int(' -7 ')", -7),
        ("int(3.9)", 3),
        ("int(true)", 1),
        ("float('2.5')", 2.5),
        ("float(2)", 2.0),
        ("bool('true')", True),
        ("bool('FALSE')", False),
        ("bool(0)", False),
        ("abs(-3)", 3),
        ("min(3, 1, 2)", 1),
        ("max([1, 5, 2])", 5),
        ("min('b', 'a')", "a"),
        ("round(2.6)", 3),
        ("round(2.675, 2)", 2.67),
        ("sum([1, 2, 3.5])", 6.5),
        ("sum([])", 0),
        ("lower('AbC')", "abc"),
        ("upper('abc')", "ABC"),
    ],
)
def test_whitelisted_functions(source: str, expected: Any) -> None:
    """The pure helper functions; results are plain Python values of the right type."""
    result = evaluate(source, VARIABLES)
    assert result == expected
    assert type(result) is type(expected)
