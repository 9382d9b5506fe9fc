"""Tree-walking evaluator and the CompiledExpression handle.

The walk only ever touches variables through `Mapping.__getitem__`, dict keys, and the
whitelisted builtins; there is no getattr on user data. Every visited node costs a step
of the Budget, and the tree depth was capped at compile time, so evaluation is bounded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .builtins import FUNCTION_NAMES, call_function, call_method, has_method, unknown_function
from .errors import ExpressionError, ExpressionRuntimeError, UnknownVariableError
from .limits import Budget
from .nodes import (
    Access,
    Attribute,
    Binary,
    Call,
    Conditional,
    DictDisplay,
    Index,
    ListDisplay,
    Literal,
    Logical,
    Name,
    Node,
    Step,
    Template,
    Unary,
    children,
)
from .operators import (
    arithmetic,
    check_size,
    checked,
    compare,
    contains,
    dict_key,
    equals,
    is_empty,
    is_list,
    negate,
    require_bool,
    stringify,
    type_name,
)


@dataclass(frozen=True)
class CompiledExpression:
    """A parsed expression or template, immutable and safe to cache and share.

    `root` is the syntax tree. `column_offset` is where `source` starts inside the text
    the tree's positions refer to (non-zero only for script lines), so error columns are
    always relative to `source`.
    """

    source: str
    root: Node = field(repr=False)
    column_offset: int = field(default=0, repr=False)

    def evaluate(self, variables: Mapping[str, Any]) -> Any:
        """Evaluate against `variables` (never mutated); raise ExpressionError on failure."""
        return self.evaluate_with_budget(variables, Budget())

    def evaluate_with_budget(self, variables: Mapping[str, Any], budget: Budget) -> Any:
        """Evaluate, charging `budget` (scripts share one budget across their lines)."""
        try:
            return self.evaluator(variables, budget).visit(self.root)
        except ExpressionError as error:
            error.source = self.source
            if error.column is not None:
                error.column = max(1, error.column - self.column_offset)
            raise
        except RecursionError:
            # Only reachable through deeply nested *variable data* (the tree depth is
            # capped at compile time); report it like any other failure.
            raise ExpressionRuntimeError(
                "a value is nested too deeply to evaluate", source=self.source
            ) from None

    def evaluator(self, variables: Mapping[str, Any], budget: Budget) -> _Evaluator:
        """The tree walker with this language's semantics (FEEL has its own)."""
        return _Evaluator(variables, budget)

    def variable_names(self) -> frozenset[str]:
        """The variable names the expression reads (for diagnostics and validation)."""
        names: set[str] = set()
        pending = [self.root]
        while pending:
            node = pending.pop()
            if isinstance(node, Name):
                names.add(node.name)
            pending.extend(children(node))
        return frozenset(names)


class _Evaluator:
    __slots__ = ("budget", "variables")

    def __init__(self, variables: Mapping[str, Any], budget: Budget) -> None:
        self.variables = variables
        self.budget = budget

    def visit(self, node: Node) -> Any:
        """Evaluate `node`; an error without a position gets this node's position."""
        try:
            self.budget.spend()
            return self.dispatch(node)
        except ExpressionError as error:
            if error.column is None:
                error.column = node.pos + 1
            raise

    def dispatch(self, node: Node) -> Any:
        if isinstance(node, Literal):
            return node.value
        if isinstance(node, Name):
            try:
                return self.variables[node.name]
            except KeyError:
                raise UnknownVariableError(node.name) from None
        if isinstance(node, Binary):
            return self.binary(node)
        if isinstance(node, Logical):
            return self.logical(node)
        if isinstance(node, Unary):
            return self.unary(node)
        if isinstance(node, Conditional):
            condition = self.visit(node.condition)
            if not isinstance(condition, bool):
                raise ExpressionRuntimeError(
                    f"expected a boolean condition, got {type_name(condition)}",
                    column=node.condition.pos + 1,
                )
            return self.visit(node.then if condition else node.otherwise)
        if isinstance(node, Access):
            value = self.visit(node.target)
            for step in node.steps:
                value = self.step(value, step)
            return value
        if isinstance(node, Call):
            if node.name not in FUNCTION_NAMES:
                raise unknown_function(node.name)
            args = tuple(self.visit(arg) for arg in node.args)
            return call_function(self.budget, node.name, args)
        if isinstance(node, ListDisplay):
            return [self.visit(item) for item in node.items]
        if isinstance(node, DictDisplay):
            return self.dictionary(node)
        if isinstance(node, Template):
            return self.template(node)
        raise ExpressionRuntimeError(f"unsupported syntax node {type(node).__name__}")

    def dictionary(self, node: DictDisplay) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.entries:
            key = self.visit(key_node)
            if not isinstance(key, str | int | float) and key is not None:
                raise ExpressionRuntimeError(
                    f"a {type_name(key)} cannot be used as a dict key", column=key_node.pos + 1
                )
            result[key] = self.visit(value_node)
        return result

    def binary(self, node: Binary) -> Any:
        value = self.visit(node.first)
        for link in node.rest:
            right = self.visit(link.operand)
            try:
                value = self.operate(link.op, value, right)
            except ExpressionError as error:
                if error.column is None:
                    error.column = link.pos + 1
                raise
        return value

    def operate(self, op: str, left: Any, right: Any) -> Any:
        if op == "==":
            return equals(self.budget, left, right)
        if op == "!=":
            return not equals(self.budget, left, right)
        if op in ("<", ">", "<=", ">="):
            return compare(op, left, right)
        if op == "in":
            return contains(self.budget, right, left)
        if op == "not in":
            return not contains(self.budget, right, left)
        return arithmetic(self.budget, op, left, right)

    def logical(self, node: Logical) -> bool:
        for operand in node.operands:
            value = self.visit(operand)
            if not isinstance(value, bool):
                raise ExpressionRuntimeError(
                    f"expected a boolean for '{node.op}', got {type_name(value)}",
                    column=operand.pos + 1,
                )
            if value is (node.op == "or"):
                return value
        return node.op == "and"

    def unary(self, node: Unary) -> Any:
        value = self.visit(node.operand)
        if node.op == "-":
            return negate(value)
        if node.op == "not":
            return not require_bool(value, "not")
        return is_empty(value)

    def step(self, value: Any, step: Step) -> Any:
        try:
            if isinstance(step, Attribute):
                return self.property(value, step.name)
            if isinstance(step, Index):
                return self.index(value, self.visit(step.index))
            args = tuple(self.visit(arg) for arg in step.args)
            return call_method(self.budget, value, step.name, args)
        except ExpressionError as error:
            if error.column is None:
                error.column = step.pos + 1
            raise

    def property(self, value: Any, name: str) -> Any:
        if isinstance(value, dict):
            if name not in value:
                raise ExpressionRuntimeError(f"dict has no key '{name}'")
            return value[name]
        hint = f"; did you mean '{name}()'?" if has_method(value, name) else ""
        raise ExpressionRuntimeError(
            f"cannot read property '{name}' of {type_name(value)}: only dict keys can be "
            f"read with '.'{hint}"
        )

    def index(self, value: Any, key: Any) -> Any:
        if isinstance(value, str) or is_list(value):
            kind = type_name(value)
            if not isinstance(key, int) or isinstance(key, bool):
                raise ExpressionRuntimeError(f"{kind} index must be an int, got {type_name(key)}")
            if not -len(value) <= key < len(value):
                raise ExpressionRuntimeError(
                    f"index {key} is out of range for a {kind} of size {len(value)}"
                )
            return value[key]
        if isinstance(value, dict):
            if dict_key(key) not in value:
                raise ExpressionRuntimeError(f"dict has no key {str(key)[:40]!r}")
            return value[key]
        raise ExpressionRuntimeError(f"cannot index a {type_name(value)} with '[...]'")

    def template(self, node: Template) -> str:
        pieces: list[str] = []
        size = 0
        for part in node.parts:
            text = stringify(self.budget, self.visit(part))
            size += len(text)
            check_size("str", size)
            pieces.append(text)
        self.budget.scan(size)
        return str(checked("".join(pieces)))
