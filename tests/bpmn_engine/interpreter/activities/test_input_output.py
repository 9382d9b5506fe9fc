"""camunda:inputOutput: inputs are local to the activity, outputs are written outwards."""

from __future__ import annotations

from pathlib import Path

import pytest

from bpmn_engine.interpreter.effects import CreateJob, CreateUserTask, RaiseIncident
from bpmn_engine.parser import BpmnParseError, parse_bpmn

from ..builders import of_type, positions, waiting_at
from .helpers import DIAGRAMS, interpreter, scope_of


def test_inputs_are_local_and_only_outputs_and_plain_writes_reach_the_process() -> None:
    state, _ = interpreter("io_script_task").start(variables={"amount": 5, "who": "bob"})
    assert state.root.variables == {
        "amount": 5,
        "who": "bob",
        "total": 11,  # the script's write goes outwards by Camunda's rule
        "doubled": 10,
        "summary": "fixed text for bob",
        "copied": {"amount": 5},
        "empty": None,
    }
    assert positions(state) == [("Done", "waiting")]
    assert list(state.scopes) == [state.root_scope_id]


def test_a_user_task_sees_its_inputs_and_maps_its_outputs_on_completion() -> None:
    engine = interpreter("io_user_task")
    state, effects = engine.start(variables={"owner": "carol"})
    [task] = of_type(effects, CreateUserTask)
    assert task.assignee == "carol"
    assert scope_of(state, task.token_id) == {"reviewer": "carol"}
    assert sorted(positions(state)) == [("Work", "in_scope"), ("Work", "waiting")]

    engine.complete(state, token_id=task.token_id, variables={"comment": "fine"})
    assert state.root.variables == {"owner": "carol", "comment": "fine", "note": "fine"}
    assert positions(state) == [("Done", "waiting")]


def test_a_failing_output_parks_the_task_without_losing_the_completion() -> None:
    engine = interpreter("io_user_task")
    state, effects = engine.start(variables={"owner": "carol"})
    token_id = waiting_at(state, "Work")
    effects = engine.complete(state, token_id=token_id)  # no comment: the output fails
    [incident] = of_type(effects, RaiseIncident)
    assert "Parameter 'note' of 'Work' failed" in incident.message
    state.set_variable(state.root_scope_id, "comment", "late")
    engine.retry(state, token_id=token_id)
    assert state.root.variables["note"] == "late"
    assert positions(state) == [("Done", "waiting")]


def test_each_multi_instance_evaluates_its_inputs_with_its_element_variable() -> None:
    state, _ = interpreter("io_multi_instance").start(variables={"items": [1, 2, 3], "total": 0})
    assert state.root.variables["total"] == 60
    assert state.root.variables["last"] == 30
    assert "tenfold" not in state.root.variables


def _errors(name: str) -> str:
    path = DIAGRAMS / f"{name}.bpmn"
    with pytest.raises(BpmnParseError) as raised:
        parse_bpmn(path.read_bytes(), filename=path.name)
    return str(raised.value)


def test_bad_parameters_are_deploy_errors_naming_the_element() -> None:
    message = _errors("io_invalid")
    assert "io_invalid.bpmn:13: [Work] parameter 'x' does not compile" in message
    assert "io_invalid.bpmn:14: [Work] camunda:script parameter 'y' is not supported yet" in message


def test_zeebe_io_mapping_is_applied_with_its_feel_source() -> None:
    """Was a warning (never applied); the FEEL subset now runs it (see the audit tests
    in ``interpreter/audit/test_zeebe_io_mapping.py``)."""
    path = Path(DIAGRAMS) / "io_zeebe_mapping.bpmn"
    assert parse_bpmn(path.read_bytes(), filename=path.name).warnings == ()
    state, effects = interpreter("io_zeebe_mapping").start(variables={"name": "ann"})
    [job] = of_type(effects, CreateJob)
    assert (job.topic, scope_of(state, job.token_id)) == ("mailer", {"shout": "ANN"})
