"""Evaluate a decision: required decisions first, then the table's rules and hit policy.

Inputs and rule entries run on the safe expression evaluator. A data problem (an unknown
variable, values of types that cannot be compared, a UNIQUE table with two matching
rules) raises ``DecisionError`` naming the decision and rule, which the business rule task
turns into an incident.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bpmn_engine.dmn.model import Decision, DecisionTable, LiteralExpression, Output, Rule
from bpmn_engine.interpreter.expressions import ExpressionError
from bpmn_engine.interpreter.expressions.limits import Budget
from bpmn_engine.interpreter.expressions.operators import compare, equals, is_number, type_name

Entry = dict[str, Any]


class DecisionError(Exception):
    """The decision cannot be evaluated with these variables."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class DecisionResult:
    """One entry (output name -> value) per matched rule, or one aggregated entry."""

    decision_id: str
    entries: tuple[Entry, ...]
    single_hit: bool

    @property
    def value(self) -> Any:
        """The DMN value of the decision, as requiring decisions see it.

        Single hit: the output value (one output), a dict (several), or None. Multiple
        hits: a list of those.
        """
        values = [next(iter(e.values())) if len(e) == 1 else e for e in self.entries]
        if self.single_hit:
            return values[0] if values else None
        return values


def evaluate_decision(decision: Decision, variables: Mapping[str, Any]) -> DecisionResult:
    """Evaluate ``decision`` after its required decisions (each once, deepest first)."""
    results: dict[str, DecisionResult] = {}
    for current in _evaluation_order(decision):
        known: dict[str, Any] = {}
        for required in current.required:
            result = results[required.id]
            if result.single_hit and len(result.entries) == 1:
                known.update(result.entries[0])  # Camunda's way: outputs by name, too
            known[required.id] = result.value
        results[current.id] = _evaluate(current, ChainMap(known, dict(variables)))
    return results[decision.id]


def _evaluation_order(decision: Decision) -> list[Decision]:
    """Post-order of the requirement DAG, iteratively (no recursion depth to exhaust)."""
    order: list[Decision] = []
    seen: set[str] = set()
    stack: list[tuple[Decision, bool]] = [(decision, False)]
    while stack:
        current, expanded = stack.pop()
        if expanded:
            order.append(current)
            continue
        if current.id in seen:
            continue
        seen.add(current.id)
        stack.append((current, True))
        stack.extend((r, False) for r in reversed(current.required) if r.id not in seen)
    return order


def _evaluate(decision: Decision, variables: Mapping[str, Any]) -> DecisionResult:
    if decision.literal is not None:
        return _literal(decision, decision.literal, variables)
    table = _table_of(decision)
    values = []
    for column in table.inputs:
        try:
            values.append(column.expression.evaluate(variables))
        except ExpressionError as error:
            raise DecisionError(
                f"Decision '{decision.id}': input '{column.label}' failed: {error.message}"
            ) from None
    matched = [rule for rule in table.rules if _matches(decision, rule, values, variables)]
    entries = [(rule, _outputs(decision, rule, variables)) for rule in matched]
    return DecisionResult(decision.id, _apply(decision, entries), table.single_hit)


def _table_of(decision: Decision) -> DecisionTable:
    if decision.table is None:
        raise DecisionError(f"Decision '{decision.id}' has no decision table")
    return decision.table


def _literal(
    decision: Decision, literal: LiteralExpression, variables: Mapping[str, Any]
) -> DecisionResult:
    try:
        value = literal.expression.evaluate(variables)
    except ExpressionError as error:
        raise DecisionError(
            f"Decision '{decision.id}': literal expression failed: {error.message}"
        ) from None
    where = f"Decision '{decision.id}': literal expression '{literal.name}'"
    typed = _typed(value, literal.type_ref, where)
    return DecisionResult(decision.id, ({literal.name: typed},), True)


def _matches(
    decision: Decision, rule: Rule, values: Sequence[Any], variables: Mapping[str, Any]
) -> bool:
    for column, tests, value in zip(_table_of(decision).inputs, rule.inputs, values, strict=True):
        try:
            if not tests.matches(value, variables):
                return False
        except ExpressionError as error:
            raise DecisionError(
                f"Decision '{decision.id}', rule '{rule.id}': input '{column.label}' "
                f"(value {value!r:.60}) against '{tests.source:.60}' failed: {error.message}"
            ) from None
    return True


def _outputs(decision: Decision, rule: Rule, variables: Mapping[str, Any]) -> Entry:
    entry: Entry = {}
    for column, expression in zip(_table_of(decision).outputs, rule.outputs, strict=True):
        value = None
        if expression is not None:
            try:
                value = expression.evaluate(variables)
            except ExpressionError as error:
                raise DecisionError(
                    f"Decision '{decision.id}', rule '{rule.id}': output '{column.name}' "
                    f"failed: {error.message}"
                ) from None
        where = f"Decision '{decision.id}', rule '{rule.id}': output '{column.name}'"
        entry[column.name] = _typed(value, column.type_ref, where)
    return entry


_KINDS: dict[str, tuple[str, ...]] = {
    "string": ("str",),
    "boolean": ("bool",),
    **dict.fromkeys(("number", "integer", "long", "double"), ("int", "float")),
}


def _typed(value: Any, type_ref: str, where: str) -> Any:
    """Check a value against its typeRef; numbers follow it (``integer`` 2.0 -> 2).

    A value of the wrong kind (a number for a ``string`` output) is a ``DecisionError``
    rather than a silently mistyped variable. Null fits every type; an unknown or
    missing typeRef accepts anything.
    """
    kind = _KINDS.get(type_ref.lower())
    if value is not None and kind is not None and type_name(value) not in kind:
        raise DecisionError(
            f"{where} is typed {type_ref} but the value is {type_name(value)} {value!r:.60}"
        )
    if not is_number(value):
        return value
    if type_ref in ("integer", "long") and float(value).is_integer():
        return int(value)
    if type_ref == "double":
        return float(value)
    return value


def _apply(decision: Decision, matched: list[tuple[Rule, Entry]]) -> tuple[Entry, ...]:
    table = _table_of(decision)
    policy = table.hit_policy
    entries = [entry for _rule, entry in matched]
    if policy == "UNIQUE" and len(matched) > 1:
        rules = ", ".join(f"'{rule.id}'" for rule, _ in matched)
        raise DecisionError(
            f"Decision '{decision.id}' has hit policy UNIQUE but {len(matched)} rules "
            f"match: {rules}"
        )
    if policy == "ANY" and any(not equals(Budget(), e, entries[0]) for e in entries):
        rules = ", ".join(f"'{rule.id}'" for rule, _ in matched)
        raise DecisionError(
            f"Decision '{decision.id}' has hit policy ANY but the matching rules {rules} "
            "give different outputs"
        )
    if policy in ("UNIQUE", "FIRST", "ANY"):
        return tuple(entries[:1])
    if policy in ("PRIORITY", "OUTPUT ORDER"):
        entries.sort(key=lambda entry: _priority(table, entry))
        return tuple(entries[:1] if policy == "PRIORITY" else entries)
    if table.aggregation is not None:
        return _aggregate(decision, entries)
    return tuple(entries)  # COLLECT, RULE ORDER: every match in rule order


def _priority(table: DecisionTable, entry: Entry) -> tuple[int, ...]:
    """Lower sorts first: a value's position in its output's ``outputValues``."""
    return tuple(_rank(output, entry[output.name]) for output in table.outputs if output.values)


def _rank(output: Output, value: Any) -> int:
    for index, candidate in enumerate(output.values):
        if equals(Budget(), value, candidate):
            return index
    return len(output.values)


def _aggregate(decision: Decision, entries: list[Entry]) -> tuple[Entry, ...]:
    name = _table_of(decision).outputs[0].name
    aggregation = _table_of(decision).aggregation
    values = [entry[name] for entry in entries if entry[name] is not None]
    if aggregation == "COUNT":
        return ({name: len(values)},)
    if not values:
        return ()
    try:
        if aggregation == "SUM":
            if not all(is_number(v) for v in values):
                raise DecisionError("SUM needs numbers")
            return ({name: sum(values)},)
        best = values[0]
        for value in values[1:]:
            if compare("<" if aggregation == "MIN" else ">", value, best):
                best = value
        return ({name: best},)
    except (ExpressionError, DecisionError) as error:
        raise DecisionError(
            f"Decision '{decision.id}': {aggregation} of output '{name}' failed: "
            f"{getattr(error, 'message', error)} (values {values!r:.80})"
        ) from None
