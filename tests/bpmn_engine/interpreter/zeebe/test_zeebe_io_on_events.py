"""``zeebe:ioMapping`` on events, as Camunda 8 diagrams place it: outputs of a message
catch event (over the message's variables), of a boundary event, of an event after an
event-based gateway (which the gateway's token passes without entering it), and the
mappings of start, throw and end events."""

from __future__ import annotations

from collections.abc import Sequence

from bpmn_engine.interpreter import Interpreter
from bpmn_engine.interpreter.effects import Effect, RaiseIncident, Subscribe

from ..builders import of_type, positions, waiting_at
from .diagrams import model


def _catch_token(effects: Sequence[Effect], element_id: str) -> str:
    [subscribe] = [s for s in of_type(effects, Subscribe) if s.element_id == element_id]
    return subscribe.token_id


def test_a_message_catch_event_maps_its_payload_to_an_output() -> None:
    """Was: the mapping wrapped the catch event so that it no longer took its message."""
    interpreter = Interpreter(model("io_mapping_message_catch"))
    state, effects = interpreter.start()
    token_id = _catch_token(effects, "Paid")
    interpreter.trigger(state, token_id=token_id, element_id="Paid", variables={"amount": 5})
    assert positions(state) == [("Close", "waiting")]
    assert state.root.variables == {"amount": 5, "doubled": 10}


def test_a_failing_output_is_an_incident_on_the_catch_event() -> None:
    interpreter = Interpreter(model("io_mapping_message_catch"))
    state, effects = interpreter.start()
    token_id = _catch_token(effects, "Paid")
    effects = interpreter.trigger(
        state, token_id=token_id, element_id="Paid", variables={"amount": "five"}
    )
    [incident] = of_type(effects, RaiseIncident)
    assert "Parameter 'doubled' of 'Paid' failed" in incident.message
    assert "doubled" not in state.root.variables


def test_the_event_after_an_event_based_gateway_applies_its_outputs() -> None:
    interpreter = Interpreter(model("io_mapping_after_event_gateway"))
    state, _ = interpreter.start()
    gateway = waiting_at(state, "Wait")
    interpreter.trigger(state, token_id=gateway, element_id="Paid", variables={"amount": 4})
    assert positions(state) == [("Close", "waiting")]
    assert state.root.variables == {"amount": 4, "doubled": 8}


def test_a_failing_output_after_an_event_based_gateway_leaves_the_gateway_waiting() -> None:
    interpreter = Interpreter(model("io_mapping_after_event_gateway"))
    state, _ = interpreter.start()
    gateway = waiting_at(state, "Wait")
    effects = interpreter.trigger(
        state, token_id=gateway, element_id="Paid", variables={"amount": "four"}
    )
    [incident] = of_type(effects, RaiseIncident)
    assert incident.element_id == "Wait"
    assert [t.element_id for t in state.tokens.values()] == ["Wait"]


def test_a_boundary_event_maps_its_payload_to_an_output() -> None:
    interpreter = Interpreter(model("io_mapping_boundary"))
    state, _ = interpreter.start()
    work = waiting_at(state, "Work")
    interpreter.trigger(state, token_id=work, element_id="Stopped", variables={"why": "late"})
    assert positions(state) == [("Handle", "waiting")]
    assert state.root.variables == {"why": "late", "reason": "LATE"}


def test_start_throw_and_end_events_apply_their_mappings() -> None:
    interpreter = Interpreter(model("io_mapping_start_throw_end"))
    state, _ = interpreter.start(variables={"amount": 1})
    assert positions(state) == [("Close", "waiting")]
    assert state.root.variables == {"amount": 1, "plusOne": 2, "marked": 21}, (
        "the throw event's input 'tmp' stays local"
    )
    interpreter.complete(state, token_id=waiting_at(state, "Close"))
    assert state.tokens == {}
