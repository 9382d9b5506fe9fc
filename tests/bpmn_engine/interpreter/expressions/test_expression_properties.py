"""Property-based tests: no input, however malformed, escapes as a non-ExpressionError."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bpmn_engine.interpreter.expressions import (
    ExpressionError,
    compile_expression,
    compile_script,
    compile_template,
)

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TOKENS = [
    *"+-*/%<>!?:.,()[]{}=;",
    *["==", "!=", "<=", ">=", "&&", "||", "**", "//", "${", "#{", "}"],
    *["and", "or", "not", "in", "empty", "div", "mod", "eq", "if", "else", "null", "true"],
    *["a", "b", "s", "l", "d", "n", "f", "len", "str", "int", "max", "sum", "contains"],
    *["size", "get", "substring", "'x'", '"y"', "0", "1", "-1", "2.5", "1e300", "_"],
]

VARIABLES: dict[str, Any] = {
    "a": 3,
    "b": True,
    "s": "text",
    "l": [1, "x", None, [2]],
    "d": {"k": 1, "l": [1]},
    "n": None,
    "f": 0.5,
}


def is_plain(value: Any) -> bool:
    """Whether `value` is plain data (also used by the FEEL property tests)."""
    if value is None or isinstance(value, bool | int | float | str):
        return True
    if isinstance(value, list | tuple):
        return all(is_plain(item) for item in value)
    if isinstance(value, dict):
        return all(is_plain(k) and is_plain(v) for k, v in value.items())
    return False


def compile_and_run(source: str, variables: dict[str, Any] = VARIABLES) -> None:
    """Compile and evaluate `source`: it may fail only with ExpressionError."""
    try:
        compiled = compile_expression(source)
    except ExpressionError:
        return
    try:
        assert is_plain(compiled.evaluate(variables))
    except ExpressionError:
        pass


@SETTINGS
@given(st.text(max_size=200))
def test_arbitrary_text_compiles_or_raises_expression_error(text: str) -> None:
    """For any text, every compiler returns or raises ExpressionError — nothing else."""
    for compiler in (compile_expression, compile_template, compile_script):
        try:
            compiler(text)
        except ExpressionError:
            pass


@SETTINGS
@given(st.lists(st.sampled_from(TOKENS), max_size=30).map(" ".join))
def test_token_soup_compiles_or_fails_cleanly(source: str) -> None:
    """Random token sequences (closer to real syntax) fail only with ExpressionError."""
    compile_and_run(source)
    compile_and_run("${" + source + "}")


_LEAVES = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=False, allow_infinity=False, width=32).map(repr),
    st.sampled_from(["true", "false", "null", "'x'", '"ab"', "''", "[]", "{}"]),
    st.sampled_from(sorted(VARIABLES)),
    st.sampled_from(["missing"]),
)


def _extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binary = st.sampled_from(
        ["+", "-", "*", "/", "%", "==", "!=", "<", ">=", "&&", "||", "in", "not in", "div"]
    )
    return st.one_of(
        st.tuples(inner, binary, inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(st.sampled_from(["-", "!", "not ", "empty "]), inner).map(
            lambda t: f"({t[0]}{t[1]})"
        ),
        st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} ? {t[1]} : {t[2]})"),
        st.tuples(inner, inner).map(lambda t: f"{t[0]}[{t[1]}]"),
        st.tuples(inner, st.sampled_from(["k", "l", "size"])).map(lambda t: f"{t[0]}.{t[1]}"),
        st.tuples(
            inner,
            st.sampled_from(["contains", "size", "get", "substring", "indexOf", "isEmpty"]),
            st.lists(inner, max_size=2),
        ).map(lambda t: f"{t[0]}.{t[1]}({', '.join(t[2])})"),
        st.tuples(
            st.sampled_from(["len", "str", "int", "float", "bool", "abs", "min", "max", "sum"]),
            st.lists(inner, min_size=1, max_size=2),
        ).map(lambda t: f"{t[0]}({', '.join(t[1])})"),
        st.lists(inner, max_size=3).map(lambda items: f"[{', '.join(items)}]"),
        st.tuples(st.sampled_from(["'k'", "1"]), inner).map(lambda t: f"{{{t[0]}: {t[1]}}}"),
    )


EXPRESSIONS = st.recursive(_LEAVES, _extend, max_leaves=12)


@SETTINGS
@given(EXPRESSIONS)
def test_random_small_asts_evaluate_or_raise_expression_error(source: str) -> None:
    """Well-formed random expressions compile, and evaluate to a plain value or an
    ExpressionError (type errors, unknown variables...) — never any other exception."""
    compiled = compile_expression(source)
    try:
        result = compiled.evaluate(VARIABLES)
    except ExpressionError as error:
        assert error.message
        assert error.column is None or 1 <= error.column <= len(source)
        return
    assert is_plain(result)
