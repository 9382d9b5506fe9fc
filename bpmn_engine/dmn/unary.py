"""Compiled FEEL unary tests: the input entries of decision table rules.

An input entry is compiled once, when its DMN file is parsed, into these objects (see
``unary_parser``); a rule then tests its input's value against them on every
evaluation without parsing anything again. Each test is a FEEL expression over the
reserved variable ``?`` (the input value), evaluated by the FEEL dialect of the safe
evaluator with its usual limits; nothing reaches Python's eval.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bpmn_engine.interpreter.expressions.feel import FeelExpression

INPUT = "?"
"""The name the input value is bound to: FEEL's ``?``, never a valid variable name."""


class UnaryTest:
    """One comma-separated part of an input entry."""

    __slots__ = ()

    def matches(self, bound: Mapping[str, Any]) -> bool:
        """Whether the input value (``bound["?"]``) passes, with the rule's variables."""
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class Positive(UnaryTest):
    """A test that matches when its expression gives exactly ``true``.

    ``< 250``, ``[1..5]``, ``"gold"`` and ``[1, 2]`` are compiled as ``? in <test>``;
    an expression that names ``?`` itself (``? > 5 and ? < 10``) is the boolean as is.
    """

    expression: FeelExpression

    def matches(self, bound: Mapping[str, Any]) -> bool:
        return self.expression.evaluate(bound) is True


@dataclass(frozen=True, slots=True)
class Negated(UnaryTest):
    """``not(t1, t2)``: matches when none of its tests does."""

    tests: tuple[Positive, ...]

    def matches(self, bound: Mapping[str, Any]) -> bool:
        return not any(test.matches(bound) for test in self.tests)


@dataclass(frozen=True, slots=True)
class UnaryTests:
    """A whole input entry; ``tests`` is empty for ``-`` (which accepts every value)."""

    source: str
    tests: tuple[UnaryTest, ...]

    def matches(self, value: Any, variables: Mapping[str, Any]) -> bool:
        if not self.tests:
            return True
        bound = ChainMap({INPUT: value}, variables)  # type: ignore[arg-type]
        return any(test.matches(bound) for test in self.tests)


ANY = UnaryTests("-", ())
