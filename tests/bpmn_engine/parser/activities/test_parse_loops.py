"""Parsing loop characteristics, and the deploy errors for bad loops."""

from __future__ import annotations

from pathlib import Path

import pytest

from bpmn_engine.model import MultiInstanceLoop, StandardLoop
from bpmn_engine.parser import BpmnParseError, parse_bpmn

DIAGRAMS = Path(__file__).resolve().parents[3] / "diagrams" / "activities"


def _parse(name: str):
    path = DIAGRAMS / f"{name}.bpmn"
    return parse_bpmn(path.read_bytes(), filename=path.name)


def _loop(name: str) -> object:
    return _parse(name).definitions.processes[0].nodes["Work"].loop


def test_camunda_collection_and_completion_condition_are_read() -> None:
    assert _loop("mi_approval_two_of_three") == MultiInstanceLoop(
        collection="${approvers}",
        element_variable="approver",
        completion_condition="${nrOfApproved >= 2 || nrOfRejected > 1}",
    )


def test_sequential_cardinality_and_behavior_are_read() -> None:
    assert _loop("mi_all_behavior") == MultiInstanceLoop(
        sequential=True, cardinality="3", behavior="All"
    )


def test_zeebe_loop_characteristics_drop_the_feel_marker() -> None:
    assert _loop("mi_zeebe_output") == MultiInstanceLoop(
        collection="items",
        element_variable="item",
        output_collection="doubled",
        output_element="twice",
    )


def test_standard_loop_is_read() -> None:
    assert _loop("loop_maximum") == StandardLoop(condition="true", maximum=3)
    assert _loop("loop_test_before") == StandardLoop(
        condition="${counter < limit}", test_before=True
    )


def test_an_activity_without_loop_has_none() -> None:
    assert _parse("mi_approval_two_of_three").definitions.processes[0].nodes["Order"].loop is None


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "invalid_loop_maximum",
            "invalid_loop_maximum.bpmn:11: [Work] loopMaximum must not be negative, it is -1",
        ),
        (
            "invalid_loop_maximum_text",
            "invalid_loop_maximum_text.bpmn:11: [Work] loopMaximum must be a whole number, "
            "not 'three'",
        ),
        (
            "invalid_cardinality",
            "invalid_cardinality.bpmn:11: [Work] loopCardinality must not be negative, it is -1",
        ),
        (
            "mi_without_cardinality",
            "[Work] task 'Work' with multiInstanceLoopCharacteristics without loopCardinality "
            "or collection is not supported yet",
        ),
        (
            "loop_without_condition",
            "[Work] task 'Work' with standardLoopCharacteristics without loopCondition "
            "or loopMaximum is not supported yet",
        ),
        (
            "invalid_completion_condition",
            "[Work] completionCondition does not compile: missing '}'",
        ),
        (
            "mi_one_behavior",
            """[Work] task 'Work' with multiInstanceLoopCharacteristics behavior="One" """
            "is not supported yet",
        ),
    ],
)
def test_bad_loops_are_refused_at_deploy_naming_the_element(name: str, message: str) -> None:
    with pytest.raises(BpmnParseError) as raised:
        _parse(name)
    assert message in str(raised.value)


def test_an_invalid_loop_maximum_is_reported_once() -> None:
    with pytest.raises(BpmnParseError) as raised:
        _parse("invalid_loop_maximum_text")
    assert len(raised.value.issues) == 1
