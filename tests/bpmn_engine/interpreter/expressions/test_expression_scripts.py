"""Script tasks: `name = expression` lines, comments, ordering, and located errors."""

from __future__ import annotations

import pytest

from bpmn_engine.interpreter.expressions import (
    Assignment,
    CompiledScript,
    ExpressionRuntimeError,
    ExpressionSyntaxError,
    ScriptSyntaxError,
    UnknownVariableError,
    compile_script,
)

SCRIPT = """\
# compute the order total
// JavaScript-style comments work too
subtotal = price * quantity
   # indented comment
total = subtotal + shipping;

label = "Order " + str(total)
needsApproval = total > 1000 && region == "EU"
"""


def test_multi_line_script_with_comments_runs_in_order() -> None:
    """Comments/blank lines are skipped; later lines see earlier results; `;` is allowed."""
    script = compile_script(SCRIPT)
    assert isinstance(script, CompiledScript)
    assert [(a.name, a.line) for a in script.assignments] == [
        ("subtotal", 3),
        ("total", 5),
        ("label", 7),
        ("needsApproval", 8),
    ]
    variables = {"price": 600, "quantity": 2, "shipping": 5, "region": "EU"}
    result = script.run(variables)
    assert result == {
        "subtotal": 1200,
        "total": 1205,
        "label": "Order 1205",
        "needsApproval": True,
    }
    assert variables == {"price": 600, "quantity": 2, "shipping": 5, "region": "EU"}


def test_assignment_exposes_name_expression_and_line() -> None:
    """Each Assignment carries the target, the compiled expression text and its line."""
    script = compile_script("\n  total = a + b ;  \n")
    assert script.assignments == (script.assignments[0],)
    assignment = script.assignments[0]
    assert isinstance(assignment, Assignment)
    assert (assignment.name, assignment.line) == ("total", 2)
    assert assignment.expression.source == "a + b"
    assert assignment.expression.evaluate({"a": 1, "b": 2}) == 3


def test_script_returns_only_assigned_names_and_can_overwrite_inputs() -> None:
    """run() returns the assigned names only; reassigning an input shadows it."""
    script = compile_script("count = count + 1\ncount = count * 10")
    assert script.run({"count": 1, "other": "x"}) == {"count": 20}


def test_script_can_run_repeatedly() -> None:
    """A compiled script is reusable: each run starts from the given variables."""
    script = compile_script("n = n + 1")
    assert script.run({"n": 1}) == {"n": 2}
    assert script.run({"n": 1}) == {"n": 2}


def test_empty_and_comment_only_scripts_do_nothing() -> None:
    """A script with no assignments runs and returns an empty dict."""
    assert compile_script("").run({}) == {}
    assert compile_script("# nothing\n\n// here\r\n").run({}) == {}


def test_windows_line_endings_are_accepted() -> None:
    """CRLF scripts (from Windows editors) parse like LF scripts."""
    assert compile_script("a = 1\r\nb = a + 1\r\n").run({}) == {"a": 1, "b": 2}


@pytest.mark.parametrize(
    ("source", "line", "column", "message"),
    [
        ("a = 1\n\nb = (1 +\n", 3, 9, "unexpected end of expression"),
        ("a = 1\nb == 2", 2, 3, "expected '=' after 'b'"),
        ("a = ", 1, 5, "missing expression after 'a ='"),
        ("= 3", 1, 1, "expected 'name = expression'"),
        ("empty = 3", 1, 1, "cannot assign to the reserved word 'empty'"),
        ("_x = 3", 1, 1, "names starting with '_' are not allowed: '_x'"),
        ("a = 1 = 2", 1, 7, "unexpected '='; use '==' to compare values"),
        ("a = 1 # note", 1, 7, "unexpected character '#'; comments must be on a line of their own"),
        ("a = 'open", 1, 5, "unterminated string literal"),
        ("a = 1;;", 1, 6, "unexpected ';'; ';' may only end a script line"),
    ],
)
def test_script_syntax_errors_name_line_and_column(
    source: str, line: int, column: int, message: str
) -> None:
    """A script that does not parse raises ScriptSyntaxError with line and column."""
    with pytest.raises(ScriptSyntaxError) as caught:
        compile_script(source)
    error = caught.value
    assert (error.message, error.line, error.column) == (message, line, column)
    assert isinstance(error, ExpressionSyntaxError)
    assert f"line {line}, column {column}" in str(error)


@pytest.mark.parametrize(
    ("source", "target"),
    [("order.total = 5", "order.total"), ("a.b.c = 1", "a.b.c"), ("items[0] = 1", "items[0]")],
)
def test_dotted_or_indexed_targets_are_refused(source: str, target: str) -> None:
    """Only plain variable names can be assigned; the message says so."""
    with pytest.raises(ScriptSyntaxError) as caught:
        compile_script("x = 1\n" + source)
    assert caught.value.message == (
        f"cannot assign to '{target}': only plain variable names can be assigned"
    )
    assert caught.value.line == 2


def test_runtime_error_carries_script_line_and_column() -> None:
    """A failing line reports its script line and the column inside that line."""
    script = compile_script("a = 1\n\ntotal = a + missing")
    with pytest.raises(UnknownVariableError) as caught:
        script.run({})
    error = caught.value
    assert (error.name, error.line, error.column) == ("missing", 3, 13)
    assert (
        str(error) == "Unknown variable 'missing' (at line 3, column 13) in 'total = a + missing'"
    )


def test_runtime_type_error_in_script() -> None:
    """Type errors in a script line are ExpressionRuntimeErrors with the line number."""
    script = compile_script("a = 'x'\nb = a + 1")
    with pytest.raises(ExpressionRuntimeError) as caught:
        script.run({})
    assert caught.value.line == 2
    assert caught.value.column == 7
    assert caught.value.message.startswith("operator '+' cannot be applied to str and int")
