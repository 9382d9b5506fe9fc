"""Conditional events deploy when their condition compiles, and are refused otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from bpmn_engine.model import ConditionalEventDefinition
from bpmn_engine.parser import BpmnParseError, parse_bpmn

DIAGRAMS = Path(__file__).resolve().parents[3] / "diagrams" / "events2"


def _parse(name: str) -> object:
    path = DIAGRAMS / f"{name}.bpmn"
    return parse_bpmn(path.read_bytes(), filename=path.name)


def test_conditional_catch_boundary_and_event_subprocess_starts_deploy() -> None:
    for name in ("conditional_catch", "conditional_boundary", "conditional_event_subprocess"):
        _parse(name)
    path = DIAGRAMS / "conditional_catch.bpmn"
    [process] = parse_bpmn(path.read_bytes(), filename=path.name).definitions.processes
    [definition] = process.nodes["WaitApproved"].event_definitions  # type: ignore[attr-defined]
    assert isinstance(definition, ConditionalEventDefinition)
    assert definition.condition.strip() == "approved == true"


def test_a_condition_that_does_not_compile_or_is_missing_is_refused_naming_the_event() -> None:
    with pytest.raises(BpmnParseError) as caught:
        _parse("conditional_typo")
    assert str(caught.value).splitlines() == [
        "conditional_typo.bpmn:6: [WaitTypo] condition of 'WaitTypo' does not compile: "
        "unexpected end of expression (column 12) in 'approved =='",
        "conditional_typo.bpmn:12: [WaitEmpty] conditionalEventDefinition of 'WaitEmpty' "
        "has no condition",
    ]
