"""The whitelisted FEEL built-in functions (DMN 1.3, 10.3.4), with FEEL's names.

Like the shared builtins, each entry checks its argument types, charges the budget for
the data it scans or builds, and passes its result through the size limits. FEEL
functions return null for arguments of the wrong type instead of failing; this subset
does the same, so a condition over a missing value is null rather than an error.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ..errors import ExpressionRuntimeError
from ..limits import Budget
from ..operators import checked, compare, equals, is_list, is_number, stringify

Args = tuple[Any, ...]
Function = Callable[[Budget, Args], Any]


def feel_string(budget: Budget, value: Any) -> Any:
    """``string(x)``: null stays null, everything else becomes its text."""
    if value is None:
        return None
    return checked(stringify(budget, value))


def _number(budget: Budget, args: Args) -> Any:
    text = args[0]
    if is_number(text):
        return text
    if not isinstance(text, str) or len(text) > 400:
        return None
    try:
        value = float(text) if any(c in text for c in ".eE") else int(text.strip())
    except ValueError:
        return None
    return checked(value) if not isinstance(value, float) or math.isfinite(value) else None


def _text(args: Args, count: int) -> tuple[str, ...] | None:
    values = args[:count]
    return values if all(isinstance(v, str) for v in values) else None


def _substring(budget: Budget, args: Args) -> Any:
    """``substring(s, start, length?)``: 1-based, a negative start counts from the end."""
    text, start = args[0], args[1]
    if not isinstance(text, str) or not is_number(start) or isinstance(start, bool):
        return None
    begin = int(start) - 1 if start > 0 else len(text) + int(start)
    begin = max(0, begin)
    if len(args) == 3:
        if not is_number(args[2]):
            return None
        return text[begin : begin + max(0, int(args[2]))]
    return text[begin:]


def _string_op(operation: Callable[..., Any]) -> Function:
    def run(budget: Budget, args: Args) -> Any:
        texts = _text(args, len(args))
        if texts is None:
            return None
        budget.scan(sum(len(t) for t in texts))
        return checked(operation(*texts))

    return run


def _list_of(args: Args) -> Any:
    """``sum([1, 2])`` and ``sum(1, 2)`` alike."""
    return args[0] if len(args) == 1 and is_list(args[0]) else list(args)


def _count(budget: Budget, args: Args) -> Any:
    return len(args[0]) if is_list(args[0]) else None


def _sum(budget: Budget, args: Args) -> Any:
    items = _list_of(args)
    budget.scan(len(items))
    if not all(is_number(item) for item in items):
        return None
    try:
        return checked(sum(items)) if items else None
    except OverflowError:
        raise ExpressionRuntimeError("sum() result is too large") from None


def _extreme(op: str) -> Function:
    def run(budget: Budget, args: Args) -> Any:
        items = _list_of(args)
        budget.scan(len(items))
        if not items or any(item is None for item in items):
            return None
        best = items[0]
        for item in items[1:]:
            if compare(op, item, best):
                best = item
        return best

    return run


def _mean(budget: Budget, args: Args) -> Any:
    total = _sum(budget, args)
    return None if total is None else total / len(_list_of(args))


def _list_contains(budget: Budget, args: Args) -> Any:
    items, item = args
    if not is_list(items):
        return None
    budget.scan(len(items))
    return any(equals(budget, element, item) for element in items)


def _numeric(operation: Callable[[Any], Any]) -> Function:
    def run(budget: Budget, args: Args) -> Any:
        return checked(operation(args[0])) if is_number(args[0]) else None

    return run


def _not(budget: Budget, args: Args) -> Any:
    return (not args[0]) if isinstance(args[0], bool) else None


FEEL_FUNCTIONS: dict[str, tuple[Function, int, int]] = {
    "not": (_not, 1, 1),
    "string": (lambda b, a: feel_string(b, a[0]), 1, 1),
    "number": (_number, 1, 1),
    "string length": (lambda b, a: len(a[0]) if isinstance(a[0], str) else None, 1, 1),
    "upper case": (_string_op(str.upper), 1, 1),
    "lower case": (_string_op(str.lower), 1, 1),
    "substring": (_substring, 2, 3),
    "contains": (_string_op(lambda s, p: p in s), 2, 2),
    "starts with": (_string_op(str.startswith), 2, 2),
    "ends with": (_string_op(str.endswith), 2, 2),
    "count": (_count, 1, 1),
    "sum": (_sum, 1, 1_000),
    "min": (_extreme("<"), 1, 1_000),
    "max": (_extreme(">"), 1, 1_000),
    "mean": (_mean, 1, 1_000),
    "list contains": (_list_contains, 2, 2),
    "abs": (_numeric(abs), 1, 1),
    "floor": (_numeric(math.floor), 1, 1),
    "ceiling": (_numeric(math.ceil), 1, 1),
    "is defined": (lambda b, a: a[0] is not None, 1, 1),
}


def call_feel_function(budget: Budget, name: str, args: Args) -> Any:
    """Call a whitelisted FEEL function (the parser refused every other name)."""
    function, least, most = FEEL_FUNCTIONS[name]
    if not least <= len(args) <= most:
        wanted = str(least) if least == most else f"{least} to {most}"
        raise ExpressionRuntimeError(f"{name}() takes {wanted} arguments, got {len(args)}")
    return function(budget, args)
