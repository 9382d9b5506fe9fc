"""Every failure is an ExpressionError with a clear message and a column."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

from bpmn_engine.interpreter.expressions import (
    ExpressionError,
    ExpressionRuntimeError,
    ExpressionSyntaxError,
    ScriptSyntaxError,
    UnknownVariableError,
    compile_expression,
    compile_script,
    evaluate,
)

VARIABLES: dict[str, Any] = {"a": 1, "s": "abc", "items": [1, 2], "d": {"k": 1}, "n": None}


def test_unknown_variable_has_name_message_and_column() -> None:
    """An unknown identifier raises UnknownVariableError naming it, with its column."""
    with pytest.raises(UnknownVariableError) as caught:
        evaluate("${a + missing}", VARIABLES)
    error = caught.value
    assert error.name == "missing"
    assert error.message == "Unknown variable 'missing'"
    assert error.column == 7
    assert error.source == "${a + missing}"
    assert str(error) == "Unknown variable 'missing' (at column 7) in '${a + missing}'"
    assert isinstance(error, ExpressionRuntimeError)


def test_exception_hierarchy() -> None:
    """All public errors derive from ExpressionError."""
    assert issubclass(ExpressionSyntaxError, ExpressionError)
    assert issubclass(ExpressionRuntimeError, ExpressionError)
    assert issubclass(UnknownVariableError, ExpressionRuntimeError)


def test_errors_survive_pickling() -> None:
    """Errors keep message, column and name through pickle (task queues pickle them)."""
    with pytest.raises(UnknownVariableError) as caught:
        evaluate("zz", {})
    restored = pickle.loads(pickle.dumps(caught.value))  # noqa: S301 - our own object
    assert restored.message == "Unknown variable 'zz'"
    assert restored.name == "zz"
    assert restored.column == 1
    assert str(restored) == str(caught.value)
    with pytest.raises(ScriptSyntaxError) as script_error:
        compile_script("a = 1\nb = (")
    restored_script = pickle.loads(pickle.dumps(script_error.value))  # noqa: S301
    assert type(restored_script) is ScriptSyntaxError
    assert (restored_script.line, restored_script.message) == (2, "unexpected end of expression")


@pytest.mark.parametrize(
    ("source", "message", "column"),
    [
        ("'a' + 1", "operator '+' cannot be applied to str and int; use str()", 5),
        ("1 - 'a'", "operator '-' cannot be applied to int and str", 3),
        ("true + 1", "operator '+' cannot be applied to bool and int", 6),
        ("items * 2", "operator '*' cannot be applied to list and int", 7),
        ("1 < 'a'", "cannot compare int and str with '<'", 3),
        ("n >= 1", "cannot compare null and int with '>='", 3),
        ("[1] < [2]", "cannot compare list and list with '<'", 5),
        ("a / 0", "division by zero in '/'", 3),
        ("a % 0", "division by zero in '%'", 3),
        ("a div 0.0", "division by zero in '/'", 3),
        ("-s", "unary '-' needs a number, got str", 1),
        ("1 in a", "'in' needs a list, str or dict on the right, got int", 3),
        ("1 in s", "'in' on a str needs a str on the left, got int", 3),
        ("[1] in d", "a list cannot be used as a dict key", 5),
        ("d.zz", "dict has no key 'zz'", 3),
        ("d['zz']", "dict has no key 'zz'", 2),
        ("s.length", "cannot read property 'length' of str: only dict keys can be read", 3),
        ("items.first", "cannot read property 'first' of list", 7),
        ("a.b", "cannot read property 'b' of int", 3),
        ("items[5]", "index 5 is out of range for a list of size 2", 6),
        ("items['x']", "list index must be an int, got str", 6),
        ("a[0]", "cannot index a int with '[...]'", 2),
        ("s.foo()", "unknown method 'foo' for str (available: contains,", 3),
        ("items.push(1)", "unknown method 'push' for list", 7),
        ("d.keys()", "unknown method 'keys' for dict", 3),
        ("a.toString()", "unknown method 'toString' for int", 3),
        ("s.substring(1, 9)", "substring(1, 9) is out of range for a str of length 3", 3),
        ("s.contains(1)", "str.contains() needs a str argument, got int", 3),
        ("s.length(1)", "str.length() takes 0 arguments, got 1", 3),
        ("s.substring()", "str.substring() takes 1 to 2 arguments, got 0", 3),
        ("items.get(2)", "list.get(2) is out of range for size 2", 7),
        ("nope(1)", "unknown function 'nope' (available: abs, bool,", 1),
        ("len(1)", "len() needs a str, list or dict, got int", 1),
        ("int('x1')", "int() cannot convert 'x1' to an int", 1),
        ("float('nan')", "float() cannot convert 'nan' to a float", 1),
        ("bool('maybe')", "bool() cannot convert 'maybe'", 1),
        ("max([])", "max() of an empty list", 1),
        ("min(1)", "min() needs a list or at least two arguments", 1),
        ("sum(['a'])", "sum() needs a number, got str", 1),
        ("abs('a')", "abs() needs a number, got str", 1),
        ("{[1]: 2}", "a list cannot be used as a dict key", 2),
    ],
)
def test_runtime_errors_have_clear_messages_and_columns(
    source: str, message: str, column: int
) -> None:
    """Type errors, bad keys/indexes/methods and division by zero name what went wrong."""
    with pytest.raises(ExpressionRuntimeError) as caught:
        evaluate(source, VARIABLES)
    assert caught.value.message.startswith(message), caught.value.message
    assert caught.value.column == column


@pytest.mark.parametrize(
    ("source", "message", "column"),
    [
        ("", "empty expression", 1),
        ("${}", "empty expression", 3),
        ("a +", "unexpected end of expression", 4),
        ("a b", "unexpected 'b'", 3),
        ("(a", "expected ')' but found end of expression", 3),
        ("[1, 2", "expected ']' but found end of expression", 6),
        ("a = 1", "unexpected '='; use '==' to compare values", 3),
        ("a & b", "unexpected character '&'; did you mean '&&'?", 3),
        ("a | b", "unexpected character '|'; did you mean '||'?", 3),
        ("'abc", "unterminated string literal", 1),
        (r"'a\q'", "invalid escape sequence '\\q' in string", 3),
        ("12ab", "invalid number literal '12a'", 1),
        ("a ? b", "expected ':' but found end of expression", 6),
        ("a if b", "expected 'else' after 'x if condition' but found end of expression", 7),
        ("and", "unexpected keyword 'and'", 1),
        ("a.1", "expected a property or method name after '.' but found '1'", 3),
        ("${a} b", "unexpected text after the '}' that closes the expression", 5),
        ("${a", "missing '}' to close the '${' expression", 1),
        ("a; b", "unexpected ';'; ';' may only end a script line", 2),
        ("_x", "names starting with '_' are not allowed: '_x'", 1),
        ("a @ b", "unexpected character '@'", 3),
    ],
)
def test_syntax_errors_have_clear_messages_and_columns(
    source: str, message: str, column: int
) -> None:
    """Malformed text raises ExpressionSyntaxError at compile time, pointing at the spot."""
    with pytest.raises(ExpressionSyntaxError) as caught:
        compile_expression(source)
    assert caught.value.message == message
    assert caught.value.column == column


def test_long_source_snippet_is_shortened_around_the_column() -> None:
    """str(error) shows a window of a long source around the error, not the whole text."""
    source = "a + " * 30 + "zz" + " + a" * 30
    with pytest.raises(UnknownVariableError) as caught:
        evaluate(source, VARIABLES)
    text = str(caught.value)
    assert "zz" in text
    assert "..." in text
    assert len(text) < 200


def test_non_str_source_is_a_type_error() -> None:
    """Passing something that is not text is a programming error, not an ExpressionError."""
    not_text: Any = 123
    with pytest.raises(TypeError, match="must be a str"):
        compile_expression(not_text)
