"""Message, signal and error events in the interpreter."""

from __future__ import annotations

from bpmn_engine.interpreter import Interpreter
from bpmn_engine.interpreter.effects import (
    CancelUserTask,
    InstanceEnded,
    RaiseIncident,
    ScheduleTimer,
    SendMessage,
    Subscribe,
    ThrowSignal,
    Unsubscribe,
)

from ..builders import of_type, positions, waiting_at
from .diagrams import model


def test_a_message_catch_event_subscribes_by_message_name_and_takes_the_payload() -> None:
    interpreter = Interpreter(model("message_catch"))
    state, effects = interpreter.start()
    [sub] = of_type(effects, Subscribe)
    assert (sub.element_id, sub.kind, sub.name) == ("WaitPayment", "message", "PaymentReceived")
    interpreter.trigger(
        state, token_id=sub.token_id, element_id="WaitPayment", variables={"paid": 10}
    )
    assert positions(state) == [("Ship", "waiting")]
    assert state.root.variables == {"paid": 10}


def test_a_receive_task_waits_for_its_message() -> None:
    interpreter = Interpreter(model("receive_task"))
    state, effects = interpreter.start()
    [sub] = of_type(effects, Subscribe)
    assert (sub.element_id, sub.name) == ("AwaitShipping", "OrderShipped")
    interpreter.trigger(state, token_id=sub.token_id, element_id="AwaitShipping")
    assert positions(state) == [("Confirm", "waiting")]


def test_an_instantiating_receive_task_is_passed_by_the_message_that_started_it() -> None:
    state, _ = Interpreter(model("instantiating_receive_task")).start(start_event_id="ReceivePing")
    assert positions(state) == [("Answer", "waiting")]


def test_message_and_signal_throws_leave_the_instance_as_effects() -> None:
    _, effects = Interpreter(model("message_throw", "MessageSender")).start()
    assert of_type(effects, SendMessage) == [SendMessage(name="Hello", element_id="SayHello")]
    _, effects = Interpreter(model("signal_start_and_throw", "SignalThrower")).start()
    assert of_type(effects, ThrowSignal) == [ThrowSignal(name="Alarm", element_id="RaiseAlarm")]


def test_an_error_end_event_is_caught_by_the_nearest_boundary_with_its_code() -> None:
    """Inner's boundary catches only OTHER; Outer's OUT_OF_STOCK boundary wins over its
    catch-all, and everything inside Outer is cancelled."""
    interpreter = Interpreter(model("error_boundary_subprocess"))
    state, _ = interpreter.start(variables={"stock": 0})
    assert positions(state) == [("Reorder", "waiting")]
    assert list(state.scopes) == [state.root_scope_id]


def test_an_error_end_event_leaves_normally_when_not_reached() -> None:
    interpreter = Interpreter(model("error_boundary_subprocess"))
    state, _ = interpreter.start(variables={"stock": 5})
    effects = interpreter.complete(state, token_id=waiting_at(state, "Pick"))
    assert of_type(effects, InstanceEnded) == [InstanceEnded(outcome="completed")]


def test_an_uncaught_error_is_an_incident_naming_the_code() -> None:
    state, effects = Interpreter(model("error_uncaught")).start()
    [incident] = of_type(effects, RaiseIncident)
    assert incident.message == (
        "BPMN error 'FATAL' thrown by 'Fail' was not caught by any error boundary event"
    )
    assert positions(state) == [("Fail", "failed")]


def test_a_bpmn_error_from_a_service_handler_is_caught_by_its_boundary() -> None:
    interpreter = Interpreter(model("error_service_task"))
    state, _ = interpreter.start()
    token = waiting_at(state, "CreditCheck")
    interpreter.throw_error(state, token_id=token, code="REJECTED")
    assert positions(state) == [("Explain", "waiting")]


def test_a_bpmn_error_with_another_code_parks_the_service_task_with_an_incident() -> None:
    interpreter = Interpreter(model("error_service_task"))
    state, _ = interpreter.start()
    token = waiting_at(state, "CreditCheck")
    effects = interpreter.throw_error(state, token_id=token, code="LIMIT", message="too much")
    [incident] = of_type(effects, RaiseIncident)
    assert incident.message == (
        "BPMN error 'LIMIT' thrown by 'CreditCheck' was not caught by any error boundary "
        "event: too much"
    )
    assert positions(state) == [("CreditCheck", "failed")]


def test_an_event_based_gateway_takes_the_first_event_and_drops_the_others() -> None:
    interpreter = Interpreter(model("event_gateway"))
    state, effects = interpreter.start()
    gateway = waiting_at(state, "FirstWins")
    assert [(s.token_id, s.element_id) for s in of_type(effects, Subscribe)] == [
        (gateway, "Answered")
    ]
    assert [(t.token_id, t.element_id) for t in of_type(effects, ScheduleTimer)] == [
        (gateway, "TimedOut")
    ]
    effects = interpreter.trigger(state, token_id=gateway, element_id="TimedOut")
    assert Unsubscribe(token_id=gateway) in effects
    assert positions(state) == [("Remind", "waiting")]


def test_a_signal_reaches_a_catch_event_and_interrupts_a_task_in_one_instance() -> None:
    interpreter = Interpreter(model("signal_catch"))
    state, effects = interpreter.start()
    subs = sorted((s.element_id, s.name) for s in of_type(effects, Subscribe))
    assert subs == [("Evacuate", "Alarm"), ("WaitAlarm", "Alarm")]
    work = waiting_at(state, "Work")
    effects = interpreter.trigger(state, token_id=work, element_id="Evacuate")
    assert len(of_type(effects, CancelUserTask)) == 1
    assert positions(state) == [("WaitAlarm", "waiting")]


def test_escalations_are_caught_by_code_interrupting_or_not() -> None:
    """The non-interrupting LATE catch lets the thrower go on; the STOP end event's
    interrupting catch ends the subprocess."""
    interpreter = Interpreter(model("escalation"))
    state, _ = interpreter.start()
    assert positions(state) == [
        ("Apologise", "waiting"),
        ("Finish", "waiting"),
        ("Sub", "in_scope"),
    ]
    effects = interpreter.complete(state, token_id=waiting_at(state, "Finish"))
    assert positions(state) == [("Apologise", "waiting"), ("Review", "waiting")]
    assert of_type(effects, InstanceEnded) == []


def test_a_link_throw_continues_at_its_link_catch() -> None:
    state, _ = Interpreter(model("link")).start()
    assert positions(state) == [("After", "waiting")]
