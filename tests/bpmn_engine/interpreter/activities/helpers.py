"""Load the activity diagrams of tests/diagrams/activities through the real parser."""

from __future__ import annotations

from pathlib import Path

from bpmn_engine.interpreter import InstanceState, Interpreter
from bpmn_engine.model import ProcessModel
from bpmn_engine.parser import parse_bpmn

DIAGRAMS = Path(__file__).resolve().parents[3] / "diagrams" / "activities"


def model(name: str) -> ProcessModel:
    path = DIAGRAMS / f"{name}.bpmn"
    return parse_bpmn(path.read_bytes(), filename=path.name).definitions.processes[0]


def interpreter(name: str) -> Interpreter:
    return Interpreter(model(name))


def scope_of(state: InstanceState, token_id: str) -> dict[str, object]:
    """The local variables of the scope a token runs in."""
    return state.scopes[state.tokens[token_id].scope_id].variables


def body_scope(state: InstanceState, element_id: str) -> dict[str, object]:
    """The variables of a loop's body scope (the scope owned by the body token)."""
    [body_token] = [
        t
        for t in state.tokens.values()
        if t.element_id == element_id and state.scopes[t.scope_id].element_id != element_id
    ]
    [scope] = [
        s
        for s in state.scopes.values()
        if s.token_id == body_token.id and s.parent_id == body_token.scope_id
    ]
    return scope.variables


def reload(state: InstanceState) -> InstanceState:
    """Save and restore, as the runtime does between steps."""
    return InstanceState.from_dict(state.to_dict())
