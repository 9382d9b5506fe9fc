"""Issue 3 audit: event subprocesses started by a signal and by an escalation (the
message, timer, error and conditional triggers have their own tests)."""

from __future__ import annotations

from bpmn_engine.interpreter import Interpreter
from bpmn_engine.interpreter.effects import CancelUserTask, InstanceEnded, Subscribe

from ..builders import of_type, positions, waiting_at
from .diagrams import model


def test_signal_and_escalation_event_subprocesses_run_beside_the_work() -> None:
    """Non-interrupting: each signal starts one more OnPing; the LATE escalation thrown
    inside Sub starts Sub's own OnLate, and Sub completes only once Notify is done."""
    interpreter = Interpreter(model("event_subprocess_signal_escalation"))
    state, effects = interpreter.start()
    [subscription] = of_type(effects, Subscribe)
    assert (subscription.token_id, subscription.kind, subscription.name) == (
        state.root_scope_id,
        "signal",
        "AuditPing",
    )
    for _ in range(2):
        effects = interpreter.trigger(state, token_id=state.root_scope_id, element_id="PingStart")
        assert of_type(effects, CancelUserTask) == []
    assert [p for p in positions(state) if p[0] in {"Ack", "Work"}] == [
        ("Ack", "waiting"),
        ("Ack", "waiting"),
        ("Work", "waiting"),
    ]

    interpreter.complete(state, token_id=waiting_at(state, "Work"))
    assert {"Finish", "Notify"} <= {element for element, _ in positions(state)}
    interpreter.complete(state, token_id=waiting_at(state, "Finish"))
    assert ("Sub", "in_scope") in positions(state)  # waits for its event subprocess
    interpreter.complete(state, token_id=waiting_at(state, "Notify"))
    assert ("Sub", "in_scope") not in positions(state)

    acks = [t.id for t in state.tokens.values() if t.element_id == "Ack"]
    for token_id in acks:
        effects = interpreter.complete(state, token_id=token_id)
    assert of_type(effects, InstanceEnded) == [InstanceEnded(outcome="completed")]
