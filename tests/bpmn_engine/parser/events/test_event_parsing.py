"""Events through the parser: definitions resolved to names, and deploy errors that name
the element and the rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from bpmn_engine.model import BoundaryEvent, IntermediateCatchEvent, TimerEventDefinition
from bpmn_engine.parser import BpmnParseError, parse_bpmn

DIAGRAMS = Path(__file__).resolve().parents[3] / "diagrams" / "events"


def _parse(name: str):
    path = DIAGRAMS / f"{name}.bpmn"
    return parse_bpmn(path.read_bytes(), filename=path.name).definitions.processes[0]


def test_a_boundary_timer_is_parsed_with_its_activity_and_definition() -> None:
    process = _parse("timer_boundary_cycle")
    boundary = process.nodes["Remind"]
    assert isinstance(boundary, BoundaryEvent)
    assert (boundary.attached_to, boundary.cancel_activity) == ("Review", False)
    assert boundary.event_definitions == (
        TimerEventDefinition(id="TimerDef_1", timer_type="cycle", value="R2/PT10M"),
    )
    assert isinstance(_parse("timer_catch").nodes["Wait"], IntermediateCatchEvent)


def test_an_invalid_timer_value_is_a_deploy_error_naming_the_element() -> None:
    with pytest.raises(BpmnParseError) as caught:
        _parse("invalid_timer")
    assert str(caught.value) == (
        "invalid_timer.bpmn:6: [Wait] timer of 'Wait' (duration): 'ten minutes' is not an "
        "ISO 8601 duration (e.g. PT10M)"
    )


def test_a_boundary_event_without_an_activity_is_a_deploy_error() -> None:
    with pytest.raises(BpmnParseError) as caught:
        _parse("unattached_boundary")
    messages = [issue.message for issue in caught.value.issues]
    assert messages == [
        "boundary event 'Orphan' has no attached activity",
        "boundary event 'OnGateway' is attached to 'Start', which is not an activity of "
        "the process",
    ]


def test_a_compensation_boundary_event_needs_an_associated_handler() -> None:
    """Compensation runs now (behaviors/compensation.py): a boundary with no handler
    association is the error, not the definition itself."""
    with pytest.raises(BpmnParseError) as caught:
        _parse("compensation_boundary")
    assert "compensation boundary event 'Undo' has no association to a compensation handler" in (
        str(caught.value)
    )


def test_a_link_throw_without_its_catch_is_a_deploy_error() -> None:
    with pytest.raises(BpmnParseError) as caught:
        _parse("link_missing")
    assert "link throw event 'GoNowhere' has no link catch event 'Nowhere'" in str(caught.value)
