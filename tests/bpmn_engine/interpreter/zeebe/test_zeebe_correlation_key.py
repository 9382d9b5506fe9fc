"""Zeebe's ``zeebe:subscription correlationKey`` on a message: read at deploy (no longer
reported as ignored) and evaluated as FEEL when each subscription opens."""

from __future__ import annotations

from bpmn_engine.interpreter import Interpreter
from bpmn_engine.interpreter.effects import RaiseIncident, Subscribe

from ..builders import of_type, positions
from .diagrams import model, parse


def test_the_subscription_is_read_and_not_reported() -> None:
    result = parse("subscription_correlation_key")
    assert not [w for w in result.warnings if "subscription" in w.message]


def test_each_subscription_carries_its_evaluated_key_as_text() -> None:
    interpreter = Interpreter(model("subscription_correlation_key"))
    state, effects = interpreter.start(variables={"order": {"id": 7}})
    [paid] = of_type(effects, Subscribe)
    assert (paid.element_id, paid.name, paid.correlation_key) == ("WaitPaid", "Paid", "7")

    effects = interpreter.trigger(state, token_id=paid.token_id, element_id="WaitPaid")
    [shipped] = of_type(effects, Subscribe)
    assert (shipped.element_id, shipped.correlation_key) == ("WaitShipped", "1007")
    interpreter.trigger(state, token_id=shipped.token_id, element_id="WaitShipped")
    assert positions(state) == [("Close", "waiting")]


def test_a_message_without_a_subscription_has_no_key() -> None:
    interpreter = Interpreter(model("io_mapping_message_catch"))
    _, effects = interpreter.start()
    [sub] = of_type(effects, Subscribe)
    assert sub.correlation_key is None


def test_a_key_that_cannot_be_evaluated_is_an_incident_on_the_catch_event() -> None:
    _, effects = Interpreter(model("subscription_correlation_key")).start()
    [incident] = of_type(effects, RaiseIncident)
    assert incident.element_id == "WaitPaid"
    assert "Unknown variable 'order'" in incident.message
    assert of_type(effects, Subscribe) == []
