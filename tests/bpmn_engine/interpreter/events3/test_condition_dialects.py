"""Flow conditions in FEEL and in the XPath subset (``bpmn:getDataObject``), stored as
FEEL text behind Zeebe's ``=`` marker; other XPath is refused naming the flow."""

from __future__ import annotations

import pytest

from bpmn_engine.interpreter import Interpreter
from bpmn_engine.parser import BpmnParseError, parse_bpmn

from ..builders import positions, waiting_at
from .diagrams import DIAGRAMS, model


def test_xpath_data_object_conditions_are_read_as_feel() -> None:
    process = model("xpath_conditions")
    assert process.flow("Flow_Yes").condition == "= approved"
    assert process.flow("Flow_No").condition == "= not ( approved )"
    assert process.flow("Flow_Again").condition == '= clarified = "yes" and amount < 100'

    interpreter = Interpreter(process)
    state, _ = interpreter.start(variables={"approved": False})
    assert positions(state) == [("Clarify", "waiting")]
    interpreter.complete(
        state, token_id=waiting_at(state, "Clarify"), variables={"clarified": "yes", "amount": 5}
    )
    assert positions(state) == [("Pay", "waiting")]


def test_xpath_outside_the_subset_is_refused_naming_the_flow() -> None:
    path = DIAGRAMS / "xpath_refused.bpmn"
    with pytest.raises(BpmnParseError) as caught:
        parse_bpmn(path.read_bytes(), filename=path.name)
    [issue] = caught.value.issues
    assert issue.element_id == "Flow_Path"
    assert issue.message == (
        "condition of sequence flow 'Flow_Path' is written in http://www.w3.org/1999/XPath, "
        "which is not supported yet: only bpmn:getDataObject('name'), literals, comparisons, "
        "and/or/not() are supported; found 'count' (column 1) in 'count(/order/item) > 2'"
    )


@pytest.mark.parametrize(
    ("risks", "task"),
    [(["green", "red"], "Investigate"), (["yellow"], "Review"), (["green"], "Approve")],
)
def test_feel_conditions_choose_the_branch(risks: list[str], task: str) -> None:
    interpreter = Interpreter(model("feel_conditions"))
    state, _ = interpreter.start(variables={"Risk Levels": risks})
    assert positions(state) == [(task, "waiting")]


def test_an_empty_subprocess_completes_and_an_empty_timer_waits() -> None:
    path = DIAGRAMS / "empty_subprocess_and_timer.bpmn"
    result = parse_bpmn(path.read_bytes(), filename=path.name)
    assert [(w.element_id, w.message) for w in result.warnings] == [
        ("Deadline", "timer of 'Deadline' has no value: it never fires by itself"),
        ("Pause", "timer of 'Pause' has no value: it never fires by itself"),
    ]
    interpreter = Interpreter(result.definitions.processes[0])
    state, effects = interpreter.start()
    assert positions(state) == [("Work", "waiting")]
    assert not [e for e in effects if type(e).__name__ == "ScheduleTimer"]
    interpreter.complete(state, token_id=waiting_at(state, "Work"))
    assert positions(state) == [("Pause", "waiting")]


def test_a_feel_conditional_event_treats_null_as_not_yet_true() -> None:
    interpreter = Interpreter(model("conditional_catch_feel"))
    state, effects = interpreter.start(variables={"amount": None})
    assert positions(state) == [("First", "waiting"), ("WaitBig", "waiting")]
    assert not [e for e in effects if type(e).__name__ == "RaiseIncident"], "null: no incident"
    interpreter.complete(state, token_id=waiting_at(state, "First"), variables={"amount": 500})
    assert positions(state) == [("Big", "waiting"), ("Second", "waiting")]
