"""``decisionOutput``: the mapping behind ``zeebe:calledDecision`` - the decision's own
DMN value, shaped by its hit policy rather than by a ``mapDecisionResult``."""

from __future__ import annotations

from typing import Any

import pytest

from bpmn_engine.dmn import evaluate_decision, map_result
from tests.bpmn_engine.dmn.tables import table

RULES = [(["< 10"], ["1", '"small"']), (["< 100"], ["20", '"medium"']), (["-"], ["300", '"any"'])]


@pytest.mark.parametrize(
    ("hit_policy", "aggregation", "outputs", "x", "expected"),
    [
        ("FIRST", None, ("n",), 5, 1),
        ("FIRST", None, ("n", "size"), 5, {"n": 1, "size": "small"}),
        ("UNIQUE", None, ("n",), 500, 300),
        ("COLLECT", None, ("n",), 50, [20, 300]),
        (
            "RULE ORDER",
            None,
            ("n", "size"),
            50,
            [{"n": 20, "size": "medium"}, {"n": 300, "size": "any"}],
        ),
        ("COLLECT", "SUM", ("n",), 5, 321),
        ("COLLECT", "COUNT", ("n",), 50, 2),
    ],
)
def test_the_value_follows_the_hit_policy(
    hit_policy: str, aggregation: str | None, outputs: tuple[str, ...], x: int, expected: Any
) -> None:
    rules = [(inputs, entries[: len(outputs)]) for inputs, entries in RULES]
    if hit_policy == "UNIQUE":
        rules = [(["< 10"], ["1"]), (["[10..100)"], ["20"]), ([">= 100"], ["300"])]
    decision = table(rules, hit_policy=hit_policy, aggregation=aggregation, outputs=outputs)
    value = map_result(evaluate_decision(decision, {"x": x}), "decisionOutput")
    assert value == expected
    assert type(value) is type(expected)  # plain dicts and lists, ready to store as JSON


def test_no_match_is_null_for_a_single_hit_and_empty_for_a_multiple_hit() -> None:
    only_small = [(["< 10"], ["1"])]
    assert map_result(evaluate_decision(table(only_small), {"x": 50}), "decisionOutput") is None
    collect = table(only_small, hit_policy="COLLECT")
    assert map_result(evaluate_decision(collect, {"x": 50}), "decisionOutput") == []
