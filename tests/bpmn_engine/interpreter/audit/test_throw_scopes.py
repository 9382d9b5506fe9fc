"""Issue 3 audit: escalations are caught at the nearest enclosing scope, a signal end
event throws its signal like an intermediate signal throw does, and a call activity can
pass its caller's business key on."""

from __future__ import annotations

from bpmn_engine.interpreter import Interpreter
from bpmn_engine.interpreter.effects import InstanceEnded, StartCalledInstance, ThrowSignal

from ..builders import of_type, positions, waiting_at
from .diagrams import model


def test_an_escalation_is_caught_by_the_boundary_of_the_nearest_enclosing_scope() -> None:
    """Inner and Outer both catch LATE: Inner's boundary wins, so Outer goes on and its
    own boundary never fires."""
    interpreter = Interpreter(model("escalation_nearest_scope"))
    state, _ = interpreter.start()
    assert positions(state) == [("Inner", "in_scope"), ("Outer", "in_scope"), ("Work", "waiting")]
    interpreter.complete(state, token_id=waiting_at(state, "Work"))
    assert positions(state) == [("HandleInside", "waiting"), ("Outer", "in_scope")]
    interpreter.complete(state, token_id=waiting_at(state, "HandleInside"))
    assert positions(state) == [("Done", "waiting")]
    effects = interpreter.complete(state, token_id=waiting_at(state, "Done"))
    assert len(of_type(effects, InstanceEnded)) == 1


def test_a_signal_end_event_throws_its_signal_and_ends_the_token() -> None:
    state, effects = Interpreter(model("signal_end_event", "AuditCloser")).start()
    assert of_type(effects, ThrowSignal) == [ThrowSignal(name="AuditClosed", element_id="Closed")]
    assert len(of_type(effects, InstanceEnded)) == 1
    assert positions(state) == []


def test_the_callers_business_key_idiom_is_left_to_the_runtime() -> None:
    """``#{execution.processBusinessKey}`` is not evaluated (``execution`` is no
    variable); the effect asks the runtime to pass the caller's own key on."""
    _, effects = Interpreter(model("call_parent_business_key", "AuditCallerKey")).start()
    [call] = of_type(effects, StartCalledInstance)
    assert (call.process_key, call.business_key, call.inherit_business_key) == (
        "AuditCalledChild",
        None,
        True,
    )
