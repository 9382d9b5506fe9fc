"""Every hit policy, evaluated on tables small enough to read in the test."""

from __future__ import annotations

from typing import Any

import pytest

from bpmn_engine.dmn import Decision, DecisionError, evaluate_decision, map_result
from tests.bpmn_engine.dmn.tables import table

OVERLAPPING = [
    (["< 10"], ['"small"']),
    (["< 100"], ['"medium"']),
    (["-"], ['"any"']),
]


def _outs(decision: Decision, x: Any) -> list[Any]:
    return [entry["out"] for entry in evaluate_decision(decision, {"x": x}).entries]


def test_unique_gives_the_one_matching_rule_or_nothing():
    decision = table([(["< 10"], ['"small"']), ([">= 10"], ['"big"'])])
    assert _outs(decision, 3) == ["small"]
    assert _outs(decision, 30) == ["big"]
    assert _outs(table([(["1"], ['"one"'])]), 2) == []


def test_unique_with_two_matching_rules_is_an_error_naming_them():
    with pytest.raises(DecisionError) as raised:
        evaluate_decision(table(OVERLAPPING), {"x": 5})
    assert raised.value.message == (
        "Decision 'd' has hit policy UNIQUE but 3 rules match: 'r1', 'r2', 'r3'"
    )


def test_first_gives_the_first_matching_rule_in_rule_order():
    decision = table(OVERLAPPING, hit_policy="FIRST")
    assert _outs(decision, 5) == ["small"]
    assert _outs(decision, 50) == ["medium"]
    assert _outs(decision, 500) == ["any"]


def test_priority_gives_the_match_whose_output_comes_first_in_output_values():
    decision = table(
        OVERLAPPING,
        hit_policy="PRIORITY",
        output_values={"out": '"any","medium","small"'},
    )
    assert _outs(decision, 5) == ["any"]
    no_any = table(
        OVERLAPPING[:2], hit_policy="PRIORITY", output_values={"out": '"any","medium","small"'}
    )
    assert _outs(no_any, 5) == ["medium"]


def test_output_order_sorts_every_match_by_output_values():
    decision = table(
        OVERLAPPING,
        hit_policy="OUTPUT ORDER",
        output_values={"out": '"medium","any","small"'},
    )
    assert _outs(decision, 5) == ["medium", "any", "small"]


def test_any_accepts_matches_that_agree_and_refuses_those_that_do_not():
    agreeing = table([(["< 10"], ['"yes"']), (["< 20"], ['"yes"'])], hit_policy="ANY")
    assert _outs(agreeing, 5) == ["yes"]
    with pytest.raises(DecisionError, match="hit policy ANY but the matching rules 'r1', 'r2'"):
        evaluate_decision(table(OVERLAPPING, hit_policy="ANY"), {"x": 5})


def test_rule_order_and_collect_give_every_match_in_rule_order():
    for policy in ("RULE ORDER", "COLLECT"):
        assert _outs(table(OVERLAPPING, hit_policy=policy), 5) == ["small", "medium", "any"]
        assert _outs(table(OVERLAPPING, hit_policy=policy), 500) == ["any"]


NUMBERS = [(["< 10"], ["1"]), (["< 100"], ["20"]), (["-"], ["300"]), (["-"], [""])]


@pytest.mark.parametrize(
    ("aggregation", "x", "expected"),
    [
        ("SUM", 5, [{"out": 321}]),
        ("SUM", 50, [{"out": 320}]),
        ("MIN", 5, [{"out": 1}]),
        ("MAX", 5, [{"out": 300}]),
        ("COUNT", 5, [{"out": 3}]),  # the empty output entry (null) is not counted
        ("COUNT", 500, [{"out": 1}]),
    ],
)
def test_collect_aggregations(aggregation, x, expected):
    decision = table(NUMBERS, hit_policy="COLLECT", aggregation=aggregation)
    assert list(evaluate_decision(decision, {"x": x}).entries) == expected


def test_aggregations_with_no_match_give_count_zero_and_no_result_otherwise():
    rules = [(["< 10"], ["1"])]
    count = table(rules, hit_policy="COLLECT", aggregation="COUNT")
    assert list(evaluate_decision(count, {"x": 50}).entries) == [{"out": 0}]
    total = table(rules, hit_policy="COLLECT", aggregation="SUM")
    assert evaluate_decision(total, {"x": 50}).entries == ()


def test_sum_of_strings_is_an_error():
    decision = table([(["-"], ['"a"'])], hit_policy="COLLECT", aggregation="SUM")
    with pytest.raises(DecisionError, match="SUM of output 'out' failed: SUM needs numbers"):
        evaluate_decision(decision, {"x": 1})


def test_several_inputs_and_outputs_and_output_expressions():
    decision = table(
        [(['"gold"', ">= 100"], ["amount * 0.1", '"vip"']), (["-", "-"], ["0", '"none"'])],
        inputs=("tier", "amount"),
        outputs=("discount", "label"),
        hit_policy="FIRST",
    )
    result = evaluate_decision(decision, {"tier": "gold", "amount": 200})
    assert result.entries == ({"discount": 20.0, "label": "vip"},)
    assert map_result(result, "singleResult") == {"discount": 20.0, "label": "vip"}
    assert result.value == {"discount": 20.0, "label": "vip"}


def test_an_unknown_input_variable_is_an_error_naming_the_input():
    with pytest.raises(DecisionError) as raised:
        evaluate_decision(table(OVERLAPPING, hit_policy="FIRST"), {})
    assert raised.value.message == "Decision 'd': input 'x' failed: Unknown variable 'x'"


def test_comparing_values_of_different_types_is_an_error_naming_the_rule():
    with pytest.raises(DecisionError) as raised:
        evaluate_decision(table(OVERLAPPING, hit_policy="FIRST"), {"x": "five"})
    assert raised.value.message == (
        "Decision 'd', rule 'r1': input 'x' (value 'five') against '< 10' failed: "
        "cannot compare str and int with '<'"
    )


class TestMapDecisionResult:
    decision = table(OVERLAPPING, hit_policy="COLLECT")
    single = table(OVERLAPPING, hit_policy="FIRST")

    def test_result_list_is_a_list_of_dicts(self):
        result = evaluate_decision(self.decision, {"x": 50})
        assert map_result(result, "resultList") == [{"out": "medium"}, {"out": "any"}]

    def test_collect_entries_is_the_list_of_the_single_output(self):
        result = evaluate_decision(self.decision, {"x": 50})
        assert map_result(result, "collectEntries") == ["medium", "any"]

    def test_single_entry_and_single_result(self):
        result = evaluate_decision(self.single, {"x": 50})
        assert map_result(result, "singleEntry") == "medium"
        assert map_result(result, "singleResult") == {"out": "medium"}

    def test_no_match_maps_to_none_or_an_empty_list(self):
        result = evaluate_decision(table([(["1"], ['"one"'])]), {"x": 2})
        assert map_result(result, "singleEntry") is None
        assert map_result(result, "singleResult") is None
        assert map_result(result, "resultList") == []

    def test_a_single_mapping_of_several_results_is_an_error(self):
        result = evaluate_decision(self.decision, {"x": 50})
        with pytest.raises(DecisionError) as raised:
            map_result(result, "singleEntry")
        assert raised.value.message == (
            "Decision 'd' gave 2 results, but mapDecisionResult=singleEntry accepts at most one"
        )

    def test_single_entry_of_several_outputs_is_an_error(self):
        decision = table([(["-"], ["1", "2"])], outputs=("a", "b"))
        result = evaluate_decision(decision, {"x": 0})
        with pytest.raises(DecisionError, match=r"has 2 outputs \(a, b\), but mapDecisionResult"):
            map_result(result, "singleEntry")
