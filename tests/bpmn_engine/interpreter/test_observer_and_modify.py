"""The step observer (durations per element type) and token modification."""

from __future__ import annotations

import pytest

from bpmn_engine.interpreter import Interpreter, TokenState, step_observers
from bpmn_engine.interpreter.bench import approval_model
from bpmn_engine.interpreter.effects import CancelUserTask, CreateUserTask
from bpmn_engine.interpreter.errors import ModificationError


def waiting_at(state) -> list[str]:
    return [t.element_id for t in state.tokens.values() if t.state is TokenState.WAITING]


def test_the_observer_hears_every_step_with_its_element_type() -> None:
    """start -> approve_1 -> end: the start event steps once, the user task twice
    (entered, then completed and left), the end event once."""
    heard: list[tuple[str, float]] = []
    interpreter = Interpreter(approval_model(1), observer=lambda kind, s: heard.append((kind, s)))
    state, _ = interpreter.start(initiator="ann")
    (token_id,) = state.tokens
    interpreter.complete(state, token_id=token_id)
    assert [kind for kind, _ in heard] == ["startEvent", "userTask", "userTask", "endEvent"]
    assert all(seconds >= 0 for _, seconds in heard)


def test_new_interpreters_report_to_the_installed_observer_unless_told_not_to() -> None:
    heard: list[str] = []
    previous = step_observers.installed()  # the runtime's histogram, under Django
    step_observers.install(lambda kind, seconds: heard.append(kind))
    try:
        Interpreter(approval_model(1)).start(initiator="ann")
        Interpreter(approval_model(1), observer=None).start(initiator="ann")
    finally:
        step_observers.install(previous)
    assert heard == ["startEvent", "userTask"]


def test_modify_cancels_a_token_and_starts_one_before_another_element() -> None:
    interpreter = Interpreter(approval_model(2))
    state, _ = interpreter.start(initiator="ann")
    (token_id,) = state.tokens
    effects = interpreter.modify(state, cancel_token_ids=[token_id], start_before=["approve_2"])
    assert waiting_at(state) == ["approve_2"]
    assert CancelUserTask(token_id=token_id, reason="cancelled by token modification") in effects
    assert [e.element_id for e in effects if isinstance(e, CreateUserTask)] == ["approve_2"]


@pytest.mark.parametrize(
    ("cancel", "start_before", "message"),
    [
        (["no-such-token"], [], "Token no-such-token is not active"),
        ([], ["nowhere"], "'nowhere' is not an element at the top level of process"),
        (None, [], "This would remove every token"),
    ],
)
def test_modify_refuses_what_it_cannot_do_and_changes_nothing(
    cancel: list[str] | None, start_before: list[str], message: str
) -> None:
    interpreter = Interpreter(approval_model(2))
    state, _ = interpreter.start(initiator="ann")
    cancel_ids = list(state.tokens) if cancel is None else cancel
    before = state.to_dict()
    with pytest.raises(ModificationError, match=message):
        interpreter.modify(state, cancel_token_ids=cancel_ids, start_before=start_before)
    if cancel is not None:
        assert state.to_dict() == before
