"""Evaluation of FEEL trees: the shared evaluator with FEEL's semantics on top.

Differences from the safe language, following FEEL: comparing with null gives null
instead of failing, ``and``/``or``/``not`` are three-valued (null for non-booleans),
``if`` takes the else branch unless the condition is exactly true, a missing context key
reads as null, and list indexes start at 1 (negative ones count from the end). A name
that is no variable at all is still an ``UnknownVariableError``, like in the safe
language, so a conditional event keeps waiting for the variable it names. Every node
costs a budget step and every iteration of ``some``/``every`` costs one more, so the
work of an evaluation stays bounded by ``MAX_STEPS``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from itertools import product
from typing import Any

from ..errors import ExpressionRuntimeError, UnknownVariableError
from ..evaluator import CompiledExpression, _Evaluator
from ..limits import Budget
from ..nodes import Attribute, Call, Conditional, Index, Logical, Name, Node, Step
from ..operators import compare, contains, equals, is_list, is_number, type_name
from .functions import call_feel_function
from .nodes import Between, Interval, InTests, Quantified, UnaryComparison, feel_children


@dataclass(frozen=True)
class FeelExpression(CompiledExpression):
    """A compiled FEEL expression; used wherever a ``CompiledExpression`` is."""

    def evaluator(self, variables: Mapping[str, Any], budget: Budget) -> _Evaluator:
        return _FeelEvaluator(variables, budget)

    def variable_names(self) -> frozenset[str]:
        names: set[str] = set()
        bound: set[str] = set()
        pending = [self.root]
        while pending:
            node = pending.pop()
            if isinstance(node, Name):
                names.add(node.name)
            elif isinstance(node, Quantified):
                bound.update(iteration.name for iteration in node.iterations)
            pending.extend(feel_children(node))
        return frozenset(names - bound)


class _FeelEvaluator(_Evaluator):
    __slots__ = ()

    def dispatch(self, node: Node) -> Any:
        """FEEL's own nodes, looked up by type (one dict lookup on the common path)."""
        own = _OWN.get(type(node))
        if own is not None:
            return own(self, node)
        return super().dispatch(node)

    def conditional(self, node: Conditional) -> Any:
        chosen = node.then if self.visit(node.condition) is True else node.otherwise
        return self.visit(chosen)

    def in_tests(self, node: InTests) -> bool:
        value = self.visit(node.subject)
        return any(self.matches(value, test) for test in node.tests)

    def between(self, node: Between) -> bool:
        value = self.visit(node.subject)
        low, high = self.visit(node.low), self.visit(node.high)
        return self.ordered(">=", value, low) and self.ordered("<=", value, high)

    def misplaced_test(self, node: Node) -> Any:
        raise ExpressionRuntimeError("a range or '< x' test can only follow 'in'")

    def operate(self, op: str, left: Any, right: Any) -> Any:
        if op in ("<", ">", "<=", ">="):
            if left is None or right is None:
                return None
            return compare(op, left, right)
        if op in ("+", "-", "*", "/") and (left is None or right is None):
            return None
        return super().operate(op, left, right)

    def ordered(self, op: str, left: Any, right: Any) -> bool:
        return left is not None and right is not None and compare(op, left, right)

    def three_valued(self, node: Logical) -> Any:
        """FEEL: ``false and null`` is false, ``true or null`` is true, else null wins."""
        decisive = node.op == "or"
        unknown = False
        for operand in node.operands:
            value = self.visit(operand)
            if value is decisive:
                return decisive
            if not isinstance(value, bool):
                unknown = True
        return None if unknown else not decisive

    def call(self, node: Call) -> Any:
        if node.name == "is defined" and node.args:
            try:
                return self.visit(node.args[0]) is not None
            except UnknownVariableError:
                return False
        args = tuple(self.visit(arg) for arg in node.args)
        return call_feel_function(self.budget, node.name, args)

    def quantified(self, node: Quantified) -> Any:
        lists = []
        for iteration in node.iterations:
            items = self.visit(iteration.source)
            if not is_list(items):
                raise ExpressionRuntimeError(
                    f"'{node.kind}' needs a list for '{iteration.name}', got {type_name(items)}"
                )
            lists.append(items)
        names = [iteration.name for iteration in node.iterations]
        every = node.kind == "every"
        outer = self.variables
        try:
            for values in _combinations(lists):
                self.budget.spend()
                self.variables = _Bound(dict(zip(names, values, strict=True)), outer)
                if (self.visit(node.condition) is True) is not every:
                    return not every
        finally:
            self.variables = outer
        return every

    def matches(self, value: Any, test: Node) -> bool:
        if isinstance(test, Interval):
            low, high = self.visit(test.low), self.visit(test.high)
            above = self.ordered(">=" if test.low_closed else ">", value, low)
            return above and self.ordered("<=" if test.high_closed else "<", value, high)
        if isinstance(test, UnaryComparison):
            return self.ordered(test.op, value, self.visit(test.bound))
        expected = self.visit(test)
        if is_list(expected) and not is_list(value):
            return contains(self.budget, expected, value)
        return equals(self.budget, value, expected)

    def step(self, value: Any, step: Step) -> Any:
        if isinstance(step, Attribute):
            if value is None:
                return None
            if isinstance(value, dict):
                return value.get(step.name)
            if is_list(value):  # FEEL: a path on a list maps over its items
                self.budget.scan(len(value))
                return [item.get(step.name) if isinstance(item, dict) else None for item in value]
            return None
        if isinstance(step, Index):
            key = self.visit(step.index)
            if is_list(value) and is_number(key) and not isinstance(key, bool):
                position = int(key)
                if position > 0 and position <= len(value):
                    return value[position - 1]
                if position < 0 and -position <= len(value):
                    return value[position]
                return None
            if value is None:
                return None
        return super().step(value, step)


_OWN: dict[type[Node], Callable[[_FeelEvaluator, Any], Any]] = {
    Logical: _FeelEvaluator.three_valued,
    Conditional: _FeelEvaluator.conditional,
    Call: _FeelEvaluator.call,
    Quantified: _FeelEvaluator.quantified,
    InTests: _FeelEvaluator.in_tests,
    Between: _FeelEvaluator.between,
    Interval: _FeelEvaluator.misplaced_test,
    UnaryComparison: _FeelEvaluator.misplaced_test,
}


def _combinations(lists: list[Any]) -> Iterator[tuple[Any, ...]]:
    return product(*lists)


class _Bound(Mapping[str, Any]):
    """The variables inside ``satisfies``: the iteration names over the outer ones."""

    __slots__ = ("bound", "outer")

    def __init__(self, bound: dict[str, Any], outer: Mapping[str, Any]) -> None:
        self.bound = bound
        self.outer = outer

    def __getitem__(self, name: str) -> Any:
        if name in self.bound:
            return self.bound[name]
        return self.outer[name]

    def __iter__(self) -> Iterator[str]:
        yield from self.bound
        yield from (name for name in self.outer if name not in self.bound)

    def __len__(self) -> int:
        return len(self.bound) + sum(1 for name in self.outer if name not in self.bound)
