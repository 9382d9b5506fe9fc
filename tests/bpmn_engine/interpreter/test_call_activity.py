"""Call activities in the pure interpreter: what entering, completing and cancelling one
emits, and how the parser reads (and refuses) them. No database."""

from __future__ import annotations

from pathlib import Path

import pytest

from bpmn_engine.interpreter import Interpreter, TokenState
from bpmn_engine.interpreter.behaviors.call_activity import out_variables
from bpmn_engine.interpreter.effects import (
    CancelCalledInstance,
    InstanceEnded,
    RaiseIncident,
    StartCalledInstance,
)
from bpmn_engine.model import CallActivity, ProcessModel, ScriptTask
from bpmn_engine.parser import BpmnParseError, parse_bpmn

from .builders import of_type

DIAGRAMS = Path(__file__).resolve().parents[2] / "diagrams" / "calls"


def _process(name: str, key: str | None = None) -> ProcessModel:
    parsed = parse_bpmn((DIAGRAMS / f"{name}.bpmn").read_bytes(), filename=f"{name}.bpmn")
    processes = parsed.definitions.processes
    return processes[0] if key is None else next(p for p in processes if p.id == key)


def test_entering_a_call_activity_waits_and_asks_for_the_child_with_in_mapped_values() -> None:
    interpreter = Interpreter(_process("parent_user"))
    state, effects = interpreter.start(variables={"amount": 21, "order": "A-7", "secret": "x"})

    (start,) = of_type(effects, StartCalledInstance)
    token = state.tokens[start.token_id]
    assert (token.element_id, token.state) == ("call_child", TokenState.WAITING)
    assert start.process_key == "calls_child_user"
    assert (start.binding, start.version) == ("latest", None)
    assert dict(start.variables) == {"amount": 21, "doubled": 42}  # not "secret"
    assert start.business_key == "A-7"


def test_completing_with_out_mapped_variables_continues_the_parent() -> None:
    model = _process("parent_user")
    interpreter = Interpreter(model)
    state, effects = interpreter.start(variables={"amount": 1, "order": "A"})
    token_id = of_type(effects, StartCalledInstance)[0].token_id
    node = model.nodes["call_child"]
    assert isinstance(node, CallActivity)
    returned = out_variables(node, {"decision": "ok", "amount": 99, "internal": 1})
    assert returned == {"outcome": "ok"}

    interpreter.complete(state, token_id=token_id, variables=returned)

    assert [t.element_id for t in state.tokens.values()] == ["after"]
    assert state.root.variables == {"amount": 1, "order": "A", "outcome": "ok"}


def test_variables_all_passes_every_variable_both_ways() -> None:
    model = _process("parent_all")
    state, effects = Interpreter(model).start(variables={"a": 1, "b": [2]})
    assert dict(of_type(effects, StartCalledInstance)[0].variables) == {"a": 1, "b": [2]}
    node = model.nodes["call_all"]
    assert isinstance(node, CallActivity)
    assert out_variables(node, {"a": 5, "c": 3}) == {"a": 5, "c": 3}


def test_cancelling_the_instance_asks_to_cancel_the_child() -> None:
    interpreter = Interpreter(_process("parent_user"))
    state, effects = interpreter.start(variables={"amount": 1, "order": "A"})
    token_id = of_type(effects, StartCalledInstance)[0].token_id

    effects = interpreter.cancel(state, reason="no longer needed")

    assert of_type(effects, CancelCalledInstance) == [
        CancelCalledInstance(token_id=token_id, reason="no longer needed")
    ]
    assert of_type(effects, InstanceEnded) == [InstanceEnded(outcome="cancelled")]


def test_a_failing_in_mapping_expression_is_an_incident_not_a_crash() -> None:
    state, effects = Interpreter(_process("parent_user")).start(variables={"order": "A"})

    (incident,) = of_type(effects, RaiseIncident)
    assert incident.element_id == "call_child"
    assert "Call activity 'call_child': expression '${amount * 2}' failed" in incident.message
    assert of_type(effects, StartCalledInstance) == []
    assert next(iter(state.tokens.values())).state is TokenState.FAILED


def test_version_binding_carries_the_version_number() -> None:
    _, effects = Interpreter(_process("parent_version")).start()
    (start,) = of_type(effects, StartCalledInstance)
    assert (start.process_key, start.binding, start.version) == ("calls_versioned", "version", 1)


def test_zeebe_called_element_and_io_mapping_are_read() -> None:
    node = _process("zeebe_call").nodes["call_z"]
    assert isinstance(node, CallActivity)
    assert node.called_element == "calls_child_user"
    _, effects = Interpreter(_process("zeebe_call")).start(variables={"amount": 3, "other": 4})
    assert dict(of_type(effects, StartCalledInstance)[0].variables) == {"amount": 3}
    assert out_variables(node, {"decision": "no", "x": 1}) == {"outcome": "no"}


def test_a_call_activity_without_called_element_or_version_is_refused_at_deploy() -> None:
    with pytest.raises(BpmnParseError) as caught:
        _process("invalid")
    message = str(caught.value)
    assert "[no_key] call activity has no calledElement" in message
    assert (
        '[bad_version] calledElementBinding="version" needs camunda:calledElementVersion' in message
    )


def test_a_call_activity_calling_a_global_script_task_runs_that_script_in_its_place() -> None:
    model = _process("global_task")
    assert isinstance(model.nodes["call_greet"], ScriptTask)
    state, effects = Interpreter(model).start(variables={"name": "Ada"})
    assert of_type(effects, InstanceEnded) == [InstanceEnded(outcome="completed")]
    assert state.root.variables == {"name": "Ada", "greeting": "hi Ada"}
