"""``eventDefinitionRef``: an event may use an event definition declared once at the
definitions level (BPMN 2.0 10.5.1); it runs exactly like an inline one."""

from __future__ import annotations

from pathlib import Path

import pytest

from bpmn_engine.model import SignalEventDefinition, TimerEventDefinition
from bpmn_engine.parser import BpmnParseError, parse_bpmn

DIAGRAMS = Path(__file__).resolve().parents[3] / "diagrams" / "events2"


def _bytes(name: str) -> bytes:
    return (DIAGRAMS / f"{name}.bpmn").read_bytes()


def test_a_referenced_definition_becomes_the_events_own_definition() -> None:
    result = parse_bpmn(_bytes("event_definition_ref"), filename="event_definition_ref.bpmn")
    [process] = result.definitions.processes
    assert process.nodes["WaitAnHour"].event_definitions == (  # type: ignore[attr-defined]
        TimerEventDefinition(id="OneHour", timer_type="duration", value="PT1H"),
    )
    assert process.nodes["Stopped"].event_definitions == (  # type: ignore[attr-defined]
        SignalEventDefinition(id="StopSignal", signal_ref="Signal_Stop", signal_name="Stop"),
    )


def test_a_ref_to_no_declared_definition_is_refused_naming_the_event_and_the_ref() -> None:
    with pytest.raises(BpmnParseError) as caught:
        parse_bpmn(_bytes("event_definition_ref_missing"), filename="missing.bpmn")
    assert str(caught.value) == (
        "missing.bpmn:7: [WaitForNothing] eventDefinitionRef of 'WaitForNothing' refers to "
        "'NoSuchDefinition', which is no event definition declared in the definitions"
    )
