"""``zeebe:ioMapping`` on a user task: FEEL sources over paths and functions, literal
sources, and outputs that build a context; inputs stay local to the task's scope."""

from __future__ import annotations

from bpmn_engine.interpreter import Interpreter
from bpmn_engine.interpreter.effects import CreateUserTask

from ..builders import of_type, positions
from .diagrams import model, parse

ORDER = {"customer": "acme", "lines": [600, 500]}


def test_the_mappings_are_read_as_feel_and_literal_parameters() -> None:
    result = parse("io_mapping_review")
    assert result.warnings == ()
    io = result.definitions.processes[0].nodes["Review"].io
    assert io is not None
    assert [(p.name, p.kind, p.template) for p in io.inputs] == [
        ("customer", "feel", "= upper case(order.customer)"),
        ("large", "feel", "= sum(order.lines) > 1000"),
        ("queue", "literal", "standard"),
    ]
    assert [p.name for p in io.outputs] == ["outcome", "reviewed", "Approval Level"]


def test_inputs_are_local_and_outputs_reach_the_process() -> None:
    interpreter = Interpreter(model("io_mapping_review"))
    state, effects = interpreter.start(variables={"order": ORDER})
    [task] = of_type(effects, CreateUserTask)
    local = state.scopes[state.tokens[task.token_id].scope_id].variables
    assert local == {"customer": "ACME", "large": True, "queue": "standard"}
    assert "customer" not in state.root.variables

    interpreter.complete(state, token_id=task.token_id, variables={"approved": False})
    assert positions(state) == [("Ship", "waiting")]
    assert state.root.variables["outcome"] == "declined"
    assert state.root.variables["reviewed"] == {"customer": "ACME", "large": True}
    assert state.root.variables["Approval Level"] == "board", "FEEL names may have spaces"
    assert "queue" not in state.root.variables, "inputs do not leak out"
