"""Data objects declared inside a subprocess are variables local to each activation of
it (tests/diagrams/data): created when the scope starts, gone with it, never in the
process. A process-level data object stays a process variable by name."""

from __future__ import annotations

from pathlib import Path

from bpmn_engine.interpreter import Interpreter
from bpmn_engine.model import ProcessModel, SubProcess
from bpmn_engine.parser import parse_bpmn

from .builders import positions, waiting_at

DIAGRAMS = Path(__file__).resolve().parents[2] / "diagrams" / "data"


def _model(name: str) -> ProcessModel:
    path = DIAGRAMS / f"{name}.bpmn"
    return parse_bpmn(path.read_bytes(), filename=path.name).definitions.processes[0]


def test_the_parser_lists_the_data_objects_a_subprocess_declares() -> None:
    node = _model("subprocess_data_object").node("Pack")
    assert isinstance(node, SubProcess)
    assert node.data_objects == ("parcel",)  # not the process's "total", not the reference


def test_a_subprocess_data_object_lives_in_its_scope_and_goes_with_it() -> None:
    interpreter = Interpreter(_model("subprocess_data_object"))
    state, _ = interpreter.start()
    inspect = waiting_at(state, "Inspect")
    assert state.scopes[state.tokens[inspect].scope_id].variables == {"parcel": "wrapped"}
    assert state.root.variables == {"total": 3}

    interpreter.complete(state, token_id=inspect)
    assert positions(state) == [("Ship", "waiting")]
    assert state.root.variables == {"total": 3}
    assert list(state.scopes) == [state.root_scope_id]


def test_each_instance_of_a_multi_instance_subprocess_has_its_own() -> None:
    interpreter = Interpreter(_model("multi_instance_data_object"))
    state, _ = interpreter.start(variables={"items": ["a", "b"]})
    checks = [t for t in state.tokens.values() if t.element_id == "Check"]
    labels = sorted(state.scopes[t.scope_id].variables["label"] for t in checks)
    assert labels == ["item a", "item b"]
    for token in checks:
        interpreter.complete(state, token_id=token.id)
    assert positions(state) == [("Done", "waiting")]
    assert "label" not in state.root.variables
