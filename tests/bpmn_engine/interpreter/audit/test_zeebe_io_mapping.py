"""Issue 3 audit: ``zeebe:ioMapping`` on activities runs like ``camunda:inputOutput``
(it used to be a warning, never applied), and a Zeebe assignment marked as FEEL
(``= reviewer``) is evaluated instead of being taken as the assignee's name."""

from __future__ import annotations

from bpmn_engine.interpreter import Interpreter
from bpmn_engine.interpreter.effects import CreateUserTask, RaiseIncident

from ..builders import of_type, positions, waiting_at
from .diagrams import model, parse


def test_inputs_are_local_feel_or_literal_and_outputs_reach_the_process() -> None:
    interpreter = Interpreter(model("zeebe_io_mapping"))
    state, effects = interpreter.start(variables={"name": "ann", "owner": "carol"})
    [task] = of_type(effects, CreateUserTask)
    assert task.assignee == "carol"  # '= reviewer', the local input, not the text
    local = state.scopes[state.tokens[task.token_id].scope_id].variables
    assert local == {"shout": "ANN", "reviewer": "carol", "label": "audit"}

    interpreter.complete(state, token_id=task.token_id, variables={"approved": True})
    assert state.root.variables == {
        "name": "ann",
        "owner": "carol",
        "approved": True,
        "loud": "ANN!",
        "verdict": "yes",
    }
    assert positions(state) == [("Done", "waiting")]


def test_an_input_naming_an_unknown_variable_is_an_incident_naming_the_parameter() -> None:
    interpreter = Interpreter(model("zeebe_io_mapping"))
    state, effects = interpreter.start(variables={"name": "ann"})
    [incident] = of_type(effects, RaiseIncident)
    assert "Parameter 'reviewer' of 'Review' failed" in incident.message
    assert of_type(effects, CreateUserTask) == []
    state.set_variable(state.root_scope_id, "owner", "dave")
    effects = interpreter.retry(state, token_id=incident.token_id)
    [task] = of_type(effects, CreateUserTask)
    assert task.assignee == "dave"
    assert waiting_at(state, "Review") == task.token_id


def test_mappings_outside_the_subset_are_a_warning_and_none_of_them_apply() -> None:
    result = parse("zeebe_io_unsupported")
    [warning] = result.warnings
    assert warning.element_id == "Mail"
    assert warning.message == (
        "zeebe:ioMapping of 'Mail' is not applied: zeebe:input target 'to.name' is not a "
        "plain variable name; zeebe:input source '= for x in items return x' is outside "
        "the FEEL subset: 'for' loops are not supported"
    )
    assert result.definitions.process("ZeebeIoUnsupported").node("Mail").io is None
