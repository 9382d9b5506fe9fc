"""Real diagrams through the real parser: one diagram per scenario in tests/diagrams/interpreter."""

from __future__ import annotations

from pathlib import Path

from bpmn_engine.interpreter import Interpreter, TokenState
from bpmn_engine.interpreter.effects import (
    CancelUserTask,
    CreateJob,
    CreateUserTask,
    InstanceEnded,
)
from bpmn_engine.model import ProcessModel
from bpmn_engine.parser import parse_bpmn

from .builders import of_type, positions, waiting_at

DIAGRAMS = Path(__file__).resolve().parents[2] / "diagrams" / "interpreter"


def _model(name: str) -> ProcessModel:
    path = DIAGRAMS / f"{name}.bpmn"
    return parse_bpmn(path.read_bytes(), filename=path.name).definitions.processes[0]


def test_approval_assigns_to_the_initiator_and_books_when_approved() -> None:
    interpreter = Interpreter(_model("approval"))
    state, effects = interpreter.start(variables={"amount": 5000}, initiator="ann")
    [task] = of_type(effects, CreateUserTask)
    assert (task.name, task.assignee, task.candidate_groups, task.priority) == (
        "Review request",
        "ann",
        ("managers", "finance"),
        80,
    )
    effects = interpreter.complete(state, token_id=task.token_id, variables={"approved": True})
    assert state.root.variables == {
        "amount": 5000,
        "initiator": "ann",
        "approved": True,
        "booked": 5000,
        "status": "booked",
    }
    assert of_type(effects, InstanceEnded) == [InstanceEnded(outcome="completed")]


def test_approval_takes_the_default_flow_when_rejected() -> None:
    interpreter = Interpreter(_model("approval"))
    state, effects = interpreter.start(variables={"amount": 10}, initiator="ann")
    [task] = of_type(effects, CreateUserTask)
    assert task.priority == 50
    interpreter.complete(state, token_id=task.token_id, variables={"approved": False})
    assert "status" not in state.root.variables
    assert state.tokens == {}


def test_parallel_diagram_joins_user_tasks_and_a_job() -> None:
    interpreter = Interpreter(_model("parallel"))
    state, effects = interpreter.start()
    assert [j.topic for j in of_type(effects, CreateJob)] == ["notify"]
    interpreter.complete(state, token_id=waiting_at(state, "Notify"))
    interpreter.complete(state, token_id=waiting_at(state, "Legal"))
    assert positions(state) == [("Finance", "waiting"), ("Join", "joining"), ("Join", "joining")]
    effects = interpreter.complete(state, token_id=waiting_at(state, "Finance"))
    assert of_type(effects, InstanceEnded) == [InstanceEnded(outcome="completed")]


def test_terminate_inside_a_subprocess_ends_only_the_subprocess() -> None:
    interpreter = Interpreter(_model("subprocess_terminate"))
    state, _ = interpreter.start()
    assert positions(state) == [
        ("Auto_Check", "waiting"),
        ("Checks", "in_scope"),
        ("Manual_Check", "waiting"),
    ]
    manual = waiting_at(state, "Manual_Check")
    effects = interpreter.complete(
        state, token_id=waiting_at(state, "Auto_Check"), variables={"fraud": True}
    )
    assert of_type(effects, CancelUserTask) == [
        CancelUserTask(token_id=manual, reason="terminated")
    ]
    assert positions(state) == [("Archive", "waiting")]
    assert len(state.scopes) == 1


def test_subprocess_completes_normally_when_all_its_paths_end() -> None:
    interpreter = Interpreter(_model("subprocess_terminate"))
    state, _ = interpreter.start()
    interpreter.complete(
        state, token_id=waiting_at(state, "Auto_Check"), variables={"fraud": False}
    )
    assert positions(state) == [("Checks", "in_scope"), ("Manual_Check", "waiting")]
    interpreter.complete(state, token_id=waiting_at(state, "Manual_Check"))
    assert positions(state) == [("Archive", "waiting")]


def test_terminate_in_the_process_ends_the_instance() -> None:
    interpreter = Interpreter(_model("terminate_root"))
    state, _ = interpreter.start()
    slow = waiting_at(state, "Slow")
    effects = interpreter.complete(state, token_id=waiting_at(state, "Fast"))
    assert of_type(effects, CancelUserTask) == [CancelUserTask(token_id=slow, reason="terminated")]
    assert of_type(effects, InstanceEnded) == [InstanceEnded(outcome="terminated")]
    assert state.tokens == {}
    assert all(t.state is TokenState.WAITING for t in state.tokens.values())
