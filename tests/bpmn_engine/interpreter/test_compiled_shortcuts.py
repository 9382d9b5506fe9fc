"""``interpreter.compiled``: the shortcuts for simple expressions answer exactly as the
full evaluator does, results and errors alike."""

from __future__ import annotations

from typing import Any

import pytest

from bpmn_engine.interpreter import compiled
from bpmn_engine.interpreter.compiled import ShortcutExpression
from bpmn_engine.interpreter.expressions import (
    ExpressionError,
    compile_expression,
    compile_template,
)

VARIABLES: dict[str, Any] = {"approved": True, "amount": 1500, "name": "ann", "note": None}

EXPRESSIONS = [
    "${approved}",
    "${!approved}",
    "${amount > 1000}",
    "${amount <= 1000}",
    "${name == 'ann'}",
    "${name != 'bob'}",
    "${42}",
    "${missing}",  # unknown variable
    "${!amount}",  # not a boolean
    "${name > 3}",  # cannot compare
    "${note == null}",
]


def outcome(evaluate: Any) -> tuple[str, Any]:
    try:
        return ("value", evaluate(VARIABLES))
    except ExpressionError as error:
        return ("error", (type(error), str(error), error.column))


@pytest.mark.parametrize("source", EXPRESSIONS)
def test_an_expression_shortcut_matches_the_full_evaluator(source: str) -> None:
    fast = compiled.expression(source)
    assert isinstance(fast, ShortcutExpression)
    assert outcome(fast.evaluate) == outcome(compile_expression(source).evaluate)


@pytest.mark.parametrize("source", ["managers", "${name}", "${missing}"])
def test_a_template_shortcut_matches_the_full_evaluator(source: str) -> None:
    assert outcome(compiled.template(source).evaluate) == outcome(compile_template(source).evaluate)


def test_other_shapes_keep_the_full_evaluator() -> None:
    assert not isinstance(compiled.expression("${amount > 1 and approved}"), ShortcutExpression)
    assert not isinstance(compiled.template("Dear ${name}"), ShortcutExpression)
