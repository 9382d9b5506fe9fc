"""The whitelisted methods and functions: the only Python code an expression can reach.

Method names follow Java/JUEL (`contains`, `startsWith`, `size`) because that is what
Camunda Modeler users write. Every entry is pure, checks its argument types, charges the
evaluation budget for the data it scans or builds, and passes its result through the
size limits. Nothing is looked up with getattr, so no other attribute is reachable.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import ExpressionRuntimeError
from .limits import MAX_INT_DIGITS, MAX_NODES, Budget
from .operators import checked, compare, dict_key, equals, is_list, is_number, stringify, type_name

Args = tuple[Any, ...]

_INT_TEXT = re.compile(r"[+-]?[0-9]+", re.ASCII)
_FLOAT_TEXT = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?", re.ASCII)


@dataclass(frozen=True)
class _Builtin:
    impl: Callable[..., Any]
    min_args: int
    max_args: int


def _arity(label: str, spec: _Builtin, args: Args) -> None:
    if spec.min_args <= len(args) <= spec.max_args:
        return
    if spec.min_args == spec.max_args:
        wanted = f"{spec.min_args} argument{'s' if spec.min_args != 1 else ''}"
    else:
        wanted = f"{spec.min_args} to {spec.max_args} arguments"
    raise ExpressionRuntimeError(f"{label}() takes {wanted}, got {len(args)}")


def _str(label: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ExpressionRuntimeError(f"{label}() needs a str argument, got {type_name(value)}")
    return value


def _int(label: str, value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ExpressionRuntimeError(f"{label}() needs an int argument, got {type_name(value)}")
    return value


def _number(label: str, value: Any) -> int | float:
    if not is_number(value):
        raise ExpressionRuntimeError(f"{label}() needs a number, got {type_name(value)}")
    result: int | float = value
    return result


def _position(label: str, value: Any, size: int) -> int:
    index = _int(label, value)
    if not 0 <= index < size:
        raise ExpressionRuntimeError(f"{label}({index}) is out of range for size {size}")
    return index


def _substring(budget: Budget, text: str, args: Args) -> str:
    begin = _int("str.substring", args[0])
    end = _int("str.substring", args[1]) if len(args) > 1 else len(text)
    if not 0 <= begin <= end <= len(text):
        raise ExpressionRuntimeError(
            f"substring({begin}, {end}) is out of range for a str of length {len(text)}"
        )
    budget.scan(end - begin)
    return text[begin:end]


def _index_of(budget: Budget, items: Any, item: Any) -> int:
    budget.scan(len(items))
    if isinstance(item, str):  # fast path: a str only ever equals a str
        return items.index(item) if item in items else -1
    for position, element in enumerate(items):
        if equals(budget, element, item):
            return position
    return -1


def _scanned(budget: Budget, text: str, result: Any) -> Any:
    budget.scan(len(text))
    return checked(result)


_STR_METHODS: dict[str, _Builtin] = {
    "contains": _Builtin(lambda b, s, a: _scanned(b, s, _str("str.contains", a[0]) in s), 1, 1),
    "startsWith": _Builtin(lambda b, s, a: s.startswith(_str("str.startsWith", a[0])), 1, 1),
    "endsWith": _Builtin(lambda b, s, a: s.endswith(_str("str.endsWith", a[0])), 1, 1),
    "length": _Builtin(lambda b, s, a: len(s), 0, 0),
    "isEmpty": _Builtin(lambda b, s, a: not s, 0, 0),
    "toUpperCase": _Builtin(lambda b, s, a: _scanned(b, s, s.upper()), 0, 0),
    "toLowerCase": _Builtin(lambda b, s, a: _scanned(b, s, s.lower()), 0, 0),
    "trim": _Builtin(lambda b, s, a: s.strip(), 0, 0),
    "equals": _Builtin(lambda b, s, a: equals(b, s, a[0]), 1, 1),
    "equalsIgnoreCase": _Builtin(
        lambda b, s, a: isinstance(a[0], str) and _scanned(b, s, s.lower() == a[0].lower()),
        1,
        1,
    ),
    "substring": _Builtin(_substring, 1, 2),
    "indexOf": _Builtin(lambda b, s, a: _scanned(b, s, s.find(_str("str.indexOf", a[0]))), 1, 1),
}
_LIST_METHODS: dict[str, _Builtin] = {
    "contains": _Builtin(lambda b, items, a: _index_of(b, items, a[0]) >= 0, 1, 1),
    "size": _Builtin(lambda b, items, a: len(items), 0, 0),
    "isEmpty": _Builtin(lambda b, items, a: not items, 0, 0),
    "get": _Builtin(lambda b, items, a: items[_position("list.get", a[0], len(items))], 1, 1),
    "indexOf": _Builtin(lambda b, items, a: _index_of(b, items, a[0]), 1, 1),
}
_DICT_METHODS: dict[str, _Builtin] = {
    "containsKey": _Builtin(lambda b, d, a: dict_key(a[0]) in d, 1, 1),
    "get": _Builtin(lambda b, d, a: d.get(dict_key(a[0])), 1, 1),
    "size": _Builtin(lambda b, d, a: len(d), 0, 0),
    "isEmpty": _Builtin(lambda b, d, a: not d, 0, 0),
}


def _methods_of(value: Any) -> dict[str, _Builtin]:
    if isinstance(value, str):
        return _STR_METHODS
    if is_list(value):
        return _LIST_METHODS
    if isinstance(value, dict):
        return _DICT_METHODS
    return {}


def has_method(value: Any, name: str) -> bool:
    return name in _methods_of(value)


def call_method(budget: Budget, value: Any, name: str, args: Args) -> Any:
    """Call the whitelisted method `name` of a str, list or dict."""
    methods = _methods_of(value)
    spec = methods.get(name)
    kind = type_name(value)
    if spec is None:
        available = f" (available: {', '.join(sorted(methods))})" if methods else ""
        raise ExpressionRuntimeError(f"unknown method '{name}' for {kind}{available}")
    _arity(f"{kind}.{name}", spec, args)
    return spec.impl(budget, value, args)


def _len(budget: Budget, args: Args) -> int:
    value = args[0]
    if isinstance(value, str | dict) or is_list(value):
        return len(value)
    raise ExpressionRuntimeError(f"len() needs a str, list or dict, got {type_name(value)}")


def _to_int(budget: Budget, args: Args) -> int:
    value = args[0]
    if isinstance(value, bool | int):
        return int(value)
    if isinstance(value, float):
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if len(text) <= MAX_INT_DIGITS + 1 and _INT_TEXT.fullmatch(text):
            return int(text)
        raise ExpressionRuntimeError(f"int() cannot convert {value[:40]!r} to an int")
    raise ExpressionRuntimeError(f"int() cannot convert a {type_name(value)}")


def _to_float(budget: Budget, args: Args) -> float:
    value = args[0]
    try:
        if isinstance(value, bool | int | float):
            return float(value)
        if isinstance(value, str) and _FLOAT_TEXT.fullmatch(value.strip()):
            return float(value.strip())
    except OverflowError:
        raise ExpressionRuntimeError("float() argument is too large") from None
    shown = repr(value[:40]) if isinstance(value, str) else f"a {type_name(value)}"
    raise ExpressionRuntimeError(f"float() cannot convert {shown} to a float")


def _to_bool(budget: Budget, args: Args) -> bool:
    value = args[0]
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if is_number(value):
        return bool(value != 0)
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ExpressionRuntimeError(f"bool() cannot convert {stringify(budget, value)[:40]!r}")


def _extreme(label: str, budget: Budget, args: Args) -> Any:
    items = args[0] if len(args) == 1 and is_list(args[0]) else args
    if len(items) == 0:
        raise ExpressionRuntimeError(f"{label}() of an empty list")
    if len(items) == 1 and not is_list(args[0]):
        raise ExpressionRuntimeError(f"{label}() needs a list or at least two arguments")
    budget.scan(len(items))
    best = items[0]
    for item in items[1:]:
        if compare("<" if label == "min" else ">", item, best):
            best = item
    if not (is_number(best) or isinstance(best, str)):
        raise ExpressionRuntimeError(f"{label}() needs numbers or strs, got {type_name(best)}")
    return best


def _round(budget: Budget, args: Args) -> int | float:
    value = _number("round", args[0])
    if len(args) == 1:
        return round(value)
    digits = _int("round", args[1])
    return round(value, max(-10_000, min(10_000, digits)))


def _sum(budget: Budget, args: Args) -> int | float:
    items = args[0]
    if not is_list(items):
        raise ExpressionRuntimeError(f"sum() needs a list, got {type_name(items)}")
    budget.scan(len(items))
    for item in items:
        _number("sum", item)
    try:
        total: int | float = sum(items)
    except OverflowError:
        raise ExpressionRuntimeError("sum() result is too large") from None
    return total


_FUNCTIONS: dict[str, _Builtin] = {
    "len": _Builtin(_len, 1, 1),
    "str": _Builtin(lambda b, a: stringify(b, a[0]), 1, 1),
    "int": _Builtin(_to_int, 1, 1),
    "float": _Builtin(_to_float, 1, 1),
    "bool": _Builtin(_to_bool, 1, 1),
    "abs": _Builtin(lambda b, a: abs(_number("abs", a[0])), 1, 1),
    "min": _Builtin(lambda b, a: _extreme("min", b, a), 1, MAX_NODES),
    "max": _Builtin(lambda b, a: _extreme("max", b, a), 1, MAX_NODES),
    "round": _Builtin(_round, 1, 2),
    "sum": _Builtin(_sum, 1, 1),
    "lower": _Builtin(lambda b, a: _scanned(b, _str("lower", a[0]), a[0].lower()), 1, 1),
    "upper": _Builtin(lambda b, a: _scanned(b, _str("upper", a[0]), a[0].upper()), 1, 1),
}

FUNCTION_NAMES = frozenset(_FUNCTIONS)


def call_function(budget: Budget, name: str, args: Args) -> Any:
    """Call the whitelisted function `name`; the caller checked FUNCTION_NAMES."""
    spec = _FUNCTIONS[name]
    _arity(name, spec, args)
    result = spec.impl(budget, args)
    # Built strs are checked where they are built; min/max may return input data as is.
    return checked(result) if is_number(result) else result


def unknown_function(name: str) -> ExpressionRuntimeError:
    available = ", ".join(sorted(_FUNCTIONS))
    return ExpressionRuntimeError(f"unknown function '{name}' (available: {available})")
