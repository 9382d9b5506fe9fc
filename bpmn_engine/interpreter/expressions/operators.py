"""Semantics of values and operators.

Every operation checks its operand types itself instead of deferring to Python, whose
rules are either dangerous here (`"a" * 10**9`, unbounded int growth) or surprising for
diagram authors (`True + 1`, `[1] < ["a"]`). Booleans are never numbers, and results are
checked against the size limits as soon as they are produced.
"""

from __future__ import annotations

import json
import math
from typing import Any

from .errors import ExpressionRuntimeError
from .limits import MAX_INT_BITS, MAX_SIZE, Budget


def type_name(value: object) -> str:
    """The name diagram authors see for a value's type in error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    if isinstance(value, list | tuple):
        return "list"
    if isinstance(value, dict):
        return "dict"
    return type(value).__name__


def is_number(value: object) -> bool:
    """True for int and float, but not bool."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_list(value: object) -> bool:
    return isinstance(value, list | tuple)


def checked(value: Any) -> Any:
    """Return `value` after enforcing the int-size, finiteness and collection-size limits."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        if value.bit_length() > MAX_INT_BITS:
            raise ExpressionRuntimeError(
                f"integer result exceeds the limit of {MAX_INT_BITS} bits (MAX_INT_BITS)"
            )
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ExpressionRuntimeError("result is not a finite number")
    elif isinstance(value, str | list | tuple | dict) and len(value) > MAX_SIZE:
        _too_big(type_name(value))
    return value


def check_size(kind: str, size: int) -> None:
    """Refuse to build a value of `size` characters/items before building it."""
    if size > MAX_SIZE:
        _too_big(kind)


def _too_big(kind: str) -> None:
    raise ExpressionRuntimeError(
        f"{kind} result exceeds the limit of {MAX_SIZE} characters/items (MAX_SIZE)"
    )


def require_bool(value: Any, operator: str) -> bool:
    """JUEL-style logic: only real booleans are tested, nothing is 'truthy'."""
    if not isinstance(value, bool):
        raise ExpressionRuntimeError(f"expected a boolean for '{operator}', got {type_name(value)}")
    return value


def is_empty(value: Any) -> bool:
    """The `empty` operator: true for null, "", [] and {}; false for anything else."""
    if value is None:
        return True
    if isinstance(value, str | list | tuple | dict):
        return len(value) == 0
    return False


def equals(budget: Budget, left: Any, right: Any) -> bool:
    """`==`: numbers compare across int/float, bools only equal bools, no coercion."""
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if is_number(left) and is_number(right):
        return bool(left == right)
    if is_list(left) and is_list(right):
        budget.scan(len(left))
        return len(left) == len(right) and all(
            equals(budget, a, b) for a, b in zip(left, right, strict=True)
        )
    if isinstance(left, dict) and isinstance(right, dict):
        budget.scan(len(left))
        return left.keys() == right.keys() and all(
            equals(budget, value, right[key]) for key, value in left.items()
        )
    if type(left) is not type(right):
        return False
    return bool(left == right)


def compare(op: str, left: Any, right: Any) -> bool:
    """`<`, `>`, `<=`, `>=` between two numbers or two strings only."""
    comparable = (is_number(left) and is_number(right)) or (
        isinstance(left, str) and isinstance(right, str)
    )
    if not comparable:
        raise ExpressionRuntimeError(
            f"cannot compare {type_name(left)} and {type_name(right)} with '{op}'"
        )
    if op == "<":
        return bool(left < right)
    if op == ">":
        return bool(left > right)
    if op == "<=":
        return bool(left <= right)
    return bool(left >= right)


def dict_key(value: Any) -> Any:
    """Validate a value used as a dict key (only scalars can be keys)."""
    if value is None or isinstance(value, str | int | float):
        return value
    raise ExpressionRuntimeError(f"a {type_name(value)} cannot be used as a dict key")


def contains(budget: Budget, container: Any, item: Any) -> bool:
    """`item in container`: substring, list membership or dict key."""
    if isinstance(container, str):
        if not isinstance(item, str):
            raise ExpressionRuntimeError(
                f"'in' on a str needs a str on the left, got {type_name(item)}"
            )
        budget.scan(len(container))
        return item in container
    if is_list(container):
        budget.scan(len(container))
        if isinstance(item, str):
            return item in container
        return any(equals(budget, element, item) for element in container)
    if isinstance(container, dict):
        return dict_key(item) in container
    raise ExpressionRuntimeError(
        f"'in' needs a list, str or dict on the right, got {type_name(container)}"
    )


def arithmetic(budget: Budget, op: str, left: Any, right: Any) -> Any:
    """`+ - * / %`: numbers only, except `+` which also joins two strs or two lists."""
    if op == "+" and isinstance(left, str) and isinstance(right, str):
        check_size("str", len(left) + len(right))
        budget.scan(len(left) + len(right))
        return left + right
    if op == "+" and is_list(left) and is_list(right):
        check_size("list", len(left) + len(right))
        budget.scan(len(left) + len(right))
        return [*left, *right]
    if not (is_number(left) and is_number(right)):
        hint = ""
        if op == "+" and (isinstance(left, str) or isinstance(right, str)):
            hint = "; use str() to turn a value into text"
        raise ExpressionRuntimeError(
            f"operator '{op}' cannot be applied to {type_name(left)} and {type_name(right)}{hint}"
        )
    if op in ("/", "%") and right == 0:
        raise ExpressionRuntimeError(f"division by zero in '{op}'")
    try:
        if op == "+":
            result = left + right
        elif op == "-":
            result = left - right
        elif op == "*":
            result = left * right
        elif op == "/":
            result = left / right
        else:
            result = left % right
    except OverflowError:
        raise ExpressionRuntimeError(f"result of '{op}' is too large") from None
    return checked(result)


def negate(value: Any) -> Any:
    if not is_number(value):
        raise ExpressionRuntimeError(f"unary '-' needs a number, got {type_name(value)}")
    return -value


def stringify(budget: Budget, value: Any) -> str:
    """Text of a value, JUEL style: null is "", booleans are true/false, lists are JSON."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if is_number(value):
        return str(value)
    if is_list(value) or isinstance(value, dict):
        budget.scan(len(value))
        try:
            text = json.dumps(value, ensure_ascii=False, default=_json_fallback)
        except (TypeError, ValueError):
            raise ExpressionRuntimeError(
                f"cannot convert this {type_name(value)} to text"
            ) from None
        budget.scan(len(text))
        return str(checked(text))
    raise ExpressionRuntimeError(f"cannot convert a {type_name(value)} to text")


def _json_fallback(value: Any) -> Any:
    raise TypeError(type_name(value))
