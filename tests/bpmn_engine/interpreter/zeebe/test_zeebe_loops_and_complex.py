"""Zeebe multi-instance (``zeebe:loopCharacteristics``) and complex gateway activation
conditions run as FEEL: the ``=`` marker is kept (it used to be dropped, so the text
ran in Baton's own language, where ``approved = false`` does not even compile)."""

from __future__ import annotations

import pytest

from bpmn_engine.interpreter import Interpreter
from bpmn_engine.interpreter.effects import CancelUserTask, CreateUserTask
from bpmn_engine.model import ComplexGateway, MultiInstanceLoop

from ..builders import of_type, positions, waiting_at
from .diagrams import model


def test_the_loop_keeps_the_feel_marker_on_every_expression() -> None:
    loop = model("mi_feel_review").nodes["Review"].loop
    assert loop == MultiInstanceLoop(
        collection="= if reviewers = null then [] else reviewers",
        element_variable="reviewer",
        completion_condition="= numberOfCompletedInstances >= 2 or approved = false",
        output_collection="reviews",
        output_element="= {who: reviewer, approved: approved}",
    )


def test_feel_collection_output_and_completion_with_zeebe_counter_names() -> None:
    interpreter = Interpreter(model("mi_feel_review"))
    state, effects = interpreter.start(variables={"reviewers": ["ann", "bob", "cid"]})
    tasks = of_type(effects, CreateUserTask)
    assert len(tasks) == 3
    first, second, _ = tasks

    effects = interpreter.complete(state, token_id=second.token_id, variables={"approved": True})
    assert of_type(effects, CancelUserTask) == [], "one of three is not enough"
    assert ("Decide", "waiting") not in positions(state)
    effects = interpreter.complete(state, token_id=first.token_id, variables={"approved": True})
    assert len(of_type(effects, CancelUserTask)) == 1, "two of three complete it"
    assert positions(state) == [("Decide", "waiting")]
    assert state.root.variables["reviews"] == [
        {"who": "ann", "approved": True},
        {"who": "bob", "approved": True},
        None,
    ]


def test_a_feel_completion_condition_with_feel_equality_ends_on_a_rejection() -> None:
    interpreter = Interpreter(model("mi_feel_review"))
    state, effects = interpreter.start(variables={"reviewers": ["ann", "bob", "cid"]})
    [_, _, last] = of_type(effects, CreateUserTask)
    interpreter.complete(state, token_id=last.token_id, variables={"approved": False})
    assert positions(state) == [("Decide", "waiting")]
    assert state.root.variables["reviews"] == [None, None, {"who": "cid", "approved": False}]


def test_a_feel_collection_of_null_runs_no_instance() -> None:
    interpreter = Interpreter(model("mi_feel_review"))
    state, _ = interpreter.start(variables={"reviewers": None})
    assert positions(state) == [("Decide", "waiting")]
    assert state.root.variables["reviews"] == []


@pytest.mark.parametrize("name", ["complex_feel_activation", "complex_feel_language"])
def test_a_feel_activation_condition_fires_the_complex_gateway(name: str) -> None:
    join = model(name).nodes["Join"]
    assert isinstance(join, ComplexGateway)
    assert join.activation_condition == "= activationCount = 2 or rush = true"
    interpreter = Interpreter(model(name))
    state, _ = interpreter.start(variables={"rush": False})
    interpreter.complete(state, token_id=waiting_at(state, "A"))
    assert ("Done", "waiting") not in positions(state)
    interpreter.complete(state, token_id=waiting_at(state, "C"))
    assert ("Done", "waiting") in positions(state)


def test_a_feel_activation_condition_reads_process_variables() -> None:
    interpreter = Interpreter(model("complex_feel_activation"))
    state, _ = interpreter.start(variables={"rush": True})
    interpreter.complete(state, token_id=waiting_at(state, "B"))
    assert ("Done", "waiting") in positions(state)
