"""Parsing loop characteristics, and the deploy errors for bad loops."""

from __future__ import annotations

from pathlib import Path

import pytest

from bpmn_engine.model import (
    MessageEventDefinition,
    MultiInstanceLoop,
    SignalEventDefinition,
    StandardLoop,
)
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


def test_zeebe_loop_characteristics_keep_the_feel_marker() -> None:
    """The ``=`` marker selects FEEL when the expression is compiled (it used to be
    dropped, so Zeebe expressions ran in Baton's own language)."""
    assert _loop("mi_zeebe_output") == MultiInstanceLoop(
        collection="= items",
        element_variable="item",
        output_collection="doubled",
        output_element="= twice",
    )


def test_standard_loop_is_read() -> None:
    assert _loop("loop_maximum") == StandardLoop(condition="true", maximum=3)
    assert _loop("loop_test_before") == StandardLoop(
        condition="${counter < limit}", test_before=True
    )


def test_behavior_events_are_read_with_their_refs_resolved() -> None:
    loop = _loop("mi_complex_behavior")
    assert isinstance(loop, MultiInstanceLoop)
    [behavior] = loop.complex_behaviors
    assert behavior.condition == "${nrOfCompletedInstances == nrOfInstances / 2}"
    assert behavior.events == (
        MessageEventDefinition(message_ref="Message_Half", message_name="half-done"),
    )
    none = _loop("mi_none_behavior_non_interrupting")
    assert isinstance(none, MultiInstanceLoop)
    assert none.none_behavior_event == SignalEventDefinition(
        id="Progress", signal_ref="Signal_Progress", signal_name="progress"
    )


def test_loops_without_count_or_end_deploy_with_a_warning() -> None:
    assert [w.message for w in _parse("loop_without_condition").warnings] == [
        "standard loop has neither loopCondition nor loopMaximum: it repeats until a "
        "boundary event or the step limit ends it"
    ]
    assert [w.element_id for w in _parse("mi_without_cardinality").warnings] == ["Work"]


def test_a_behavior_event_the_behavior_never_throws_is_a_warning() -> None:
    [warning] = _parse("mi_behavior_event_unused").warnings
    assert (warning.element_id, warning.message) == (
        "Work",
        "noneBehaviorEventRef is never thrown: the behavior is All",
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
            "invalid_completion_condition",
            "[Work] completionCondition does not compile: missing '}'",
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
