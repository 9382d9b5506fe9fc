"""``camunda:mapDecisionResult``: how a decision result becomes one process variable.

The four mappings are Camunda's: ``singleEntry`` (one rule, one output: its value),
``singleResult`` (one rule: a dict of its outputs), ``collectEntries`` (one output per
rule: the list of values) and ``resultList`` (the default: a list of dicts). A result
that does not fit the mapping is a ``DecisionError``, never a silent truncation.

``decisionOutput`` is what Camunda 8 (``zeebe:calledDecision``) stores instead: the
decision's own DMN value - the output (or a dict of outputs) of a single-hit table,
a list of those for a multiple-hit one, the number for an aggregation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bpmn_engine.dmn.evaluate import DecisionError, DecisionResult

DECISION_OUTPUT = "decisionOutput"
RESULT_MAPPINGS = frozenset(
    {"singleEntry", "singleResult", "collectEntries", "resultList", DECISION_OUTPUT}
)


def map_result(result: DecisionResult, mapping: str) -> Any:
    """The variable value for ``result`` under ``mapping`` (see the module docstring)."""
    entries = result.entries
    where = f"Decision '{result.decision_id}'"
    if mapping == DECISION_OUTPUT:
        value = result.value
        if isinstance(value, list):
            return [dict(v) if isinstance(v, Mapping) else v for v in value]
        return dict(value) if isinstance(value, Mapping) else value
    if mapping == "resultList":
        return [dict(entry) for entry in entries]
    if mapping == "collectEntries":
        for entry in entries:
            _one_entry(where, mapping, entry)
        return [next(iter(entry.values())) for entry in entries]
    if len(entries) > 1:
        raise DecisionError(
            f"{where} gave {len(entries)} results, but mapDecisionResult={mapping} "
            "accepts at most one"
        )
    if not entries:
        return None
    if mapping == "singleResult":
        return dict(entries[0])
    _one_entry(where, mapping, entries[0])
    return next(iter(entries[0].values()))


def _one_entry(where: str, mapping: str, entry: dict[str, Any]) -> None:
    if len(entry) != 1:
        raise DecisionError(
            f"{where} has {len(entry)} outputs ({', '.join(entry)}), but "
            f"mapDecisionResult={mapping} needs exactly one"
        )
