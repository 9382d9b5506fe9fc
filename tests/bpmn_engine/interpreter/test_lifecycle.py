"""The instance lifecycle: completion, retries, limits, cancellation and persistence."""

from __future__ import annotations

import copy
import json

import pytest

from bpmn_engine.interpreter import (
    InstanceEndedError,
    InstanceState,
    Interpreter,
    Limits,
    TokenNotWaitingError,
    TokenState,
)
from bpmn_engine.interpreter.effects import (
    HISTORY_INCIDENT,
    HISTORY_INSTANCE_CANCELLED,
    CancelJob,
    CancelUserTask,
    CreateUserTask,
    Effect,
    InstanceEnded,
    RaiseIncident,
    RecordHistory,
)
from bpmn_engine.model import ProcessModel

from .builders import ModelBuilder, counter_ids, of_type, positions, waiting_at


def _review_loop() -> ProcessModel:
    """merge -> review (user task) -> count (script) -> again? back to merge : end."""
    return (
        ModelBuilder()
        .xor("merge")
        .user_task("review", assignee="${owner}")
        .script_task("count", "rounds = rounds + 1\nlast_note = note")
        .xor("again")
        .flow("start", "merge", "review", "count", "again")
        .flow("again", "merge", condition="${rounds < limit}")
        .flow("again", "end", default=True)
        .build()
    )


def test_completing_a_token_twice_raises_token_not_waiting() -> None:
    model = ModelBuilder().user_task("review").flow("start", "review", "end").build()
    interpreter = Interpreter(model)
    state, _ = interpreter.start()
    token_id = waiting_at(state, "review")
    interpreter.complete(state, token_id=token_id)
    with pytest.raises(TokenNotWaitingError, match=f"Token {token_id} is not waiting"):
        interpreter.complete(state, token_id=token_id)
    with pytest.raises(TokenNotWaitingError):
        interpreter.complete(state, token_id="no-such-token")


def test_retry_after_fixing_the_variable_goes_on() -> None:
    model = (
        ModelBuilder()
        .xor("gw")
        .user_task("big")
        .flow("start", "gw")
        .flow("gw", "big", condition="${amount > 10}", id="Flow_3")
        .flow("gw", "end", default=True)
        .build()
    )
    interpreter = Interpreter(model)
    state, effects = interpreter.start()
    [incident] = of_type(effects, RaiseIncident)
    assert incident.message.startswith("Condition of flow 'Flow_3' failed: ")
    history = [e for e in of_type(effects, RecordHistory) if e.event == HISTORY_INCIDENT]
    assert [dict(e.data) for e in history] == [{"message": incident.message}]
    with pytest.raises(TokenNotWaitingError):
        interpreter.complete(state, token_id=incident.token_id)

    state.set_variable(state.root_scope_id, "amount", 50)
    interpreter.retry(state, token_id=incident.token_id)
    assert positions(state) == [("big", "waiting")]
    with pytest.raises(TokenNotWaitingError, match="has no incident to retry"):
        interpreter.retry(state, token_id=incident.token_id)


def test_retry_after_a_failed_leave_does_not_reopen_the_user_task() -> None:
    model = (
        ModelBuilder()
        .user_task("review")
        .user_task("next")
        .flow("start", "review")
        .flow("review", "next", condition="${approved}")
        .flow("review", "end", default=True)
        .build()
    )
    interpreter = Interpreter(model)
    state, _ = interpreter.start()
    token_id = waiting_at(state, "review")
    effects = interpreter.complete(state, token_id=token_id, variables={"note": "no decision"})
    assert positions(state) == [("review", "failed")]
    assert state.tokens[token_id].leaving is True
    assert len(of_type(effects, RaiseIncident)) == 1

    state.set_variable(state.root_scope_id, "approved", True)
    effects = interpreter.retry(state, token_id=token_id)
    assert positions(state) == [("next", "waiting")]
    assert [e.element_id for e in of_type(effects, CreateUserTask)] == ["next"]


def test_step_limit_parks_a_loop_without_wait_state() -> None:
    model = (
        ModelBuilder()
        .xor("merge")
        .parallel("fork")
        .flow("start", "merge", "fork")
        .flow("fork", "spin", "merge")
        .flow("fork", "side")
        .user_task("side")
        .build()
    )
    state, effects = Interpreter(model, limits=Limits(max_steps=50)).start()
    incidents = of_type(effects, RaiseIncident)
    assert incidents
    assert {i.message for i in incidents} == {
        "step limit of 50 exceeded: a loop with no wait state?"
    }
    assert {t.state for t in state.tokens.values()} <= {TokenState.FAILED, TokenState.WAITING}
    failed = [t for t in state.tokens.values() if t.state is TokenState.FAILED]
    assert {i.token_id for i in incidents} == {t.id for t in failed}


def test_cancel_closes_all_open_work_and_leaves_nothing_behind() -> None:
    builder = (
        ModelBuilder()
        .parallel("fork")
        .user_task("a")
        .service_task("job", topic="t", binding="external")
        .xor("broken")
        .flow("start", "fork")
        .flow("fork", "a")
        .flow("fork", "job")
        .flow("fork", "sub")
        .flow("fork", "broken")
        .flow("broken", "end", condition="${nope}")
    )
    builder.subprocess("sub").user_task("deep").flow("sub_start", "deep")
    model = builder.build()
    interpreter = Interpreter(model)
    state, effects = interpreter.start()
    assert len(of_type(effects, RaiseIncident)) == 1
    assert len(state.scopes) == 2

    effects = interpreter.cancel(state, reason="customer withdrew")
    assert state.tokens == {}
    assert list(state.scopes) == [state.root_scope_id]
    assert len(of_type(effects, CancelUserTask)) == 2
    assert of_type(effects, CancelJob)[0].reason == "customer withdrew"
    assert of_type(effects, InstanceEnded) == [InstanceEnded(outcome="cancelled")]
    assert [e.event for e in of_type(effects, RecordHistory)][-1] == HISTORY_INSTANCE_CANCELLED
    with pytest.raises(InstanceEndedError):
        interpreter.cancel(state)


def _reload(state: InstanceState) -> InstanceState:
    return InstanceState.from_dict(json.loads(json.dumps(state.to_dict())))


def _drive(model: ProcessModel, *, reload: bool) -> tuple[InstanceState, list[Effect]]:
    """Complete every user task, first open one first, optionally reloading each time."""
    interpreter = Interpreter(model, new_id=counter_ids())
    state, effects = interpreter.start(variables={"owner": "ann", "rounds": 0, "limit": 3})
    all_effects = list(effects)
    step = 0
    while state.tokens:
        if reload:
            state = _reload(state)
        step += 1
        token = next(t for t in state.tokens.values() if t.state is TokenState.WAITING)
        all_effects += interpreter.complete(
            state, token_id=token.id, variables={"note": f"step {step}"}
        )
    return state, all_effects


def test_a_run_survives_save_and_reload_at_every_wait_state() -> None:
    builder = (
        ModelBuilder()
        .parallel("fork")
        .parallel("join")
        .user_task("b")
        .xor("merge")
        .user_task("review", assignee="${owner}")
        .script_task("count", "rounds = rounds + 1\nlast_note = note")
        .xor("again")
    )
    builder.subprocess("sub").user_task("a").flow("sub_start", "a", "sub_end")
    model = (
        builder.flow("start", "fork")
        .flow("fork", "sub", "join")
        .flow("fork", "b", "join")
        .flow("join", "merge", "review", "count", "again")
        .flow("again", "merge", condition="${rounds < limit}")
        .flow("again", "end", default=True)
        .build()
    )
    straight, straight_effects = _drive(model, reload=False)
    reloaded, reloaded_effects = _drive(model, reload=True)

    assert straight_effects == reloaded_effects
    assert straight.to_dict() == reloaded.to_dict()
    assert reloaded.root.variables["rounds"] == 3
    assert reloaded.root.variables["last_note"] == "step 5"
    assert of_type(reloaded_effects, InstanceEnded) == [InstanceEnded(outcome="completed")]


def test_run_executes_ready_tokens_of_a_loaded_state() -> None:
    model = ModelBuilder().user_task("review").flow("start", "review", "end").build()
    interpreter = Interpreter(model)
    state, _ = interpreter.start()
    snapshot = _reload(state)
    [token] = snapshot.tokens.values()
    token.state = TokenState.READY
    effects = interpreter.run(snapshot)
    assert positions(snapshot) == [("review", "waiting")]
    assert len(of_type(effects, CreateUserTask)) == 1


def _size(state: InstanceState) -> tuple[int, int, int]:
    variables = copy.deepcopy(state.root.variables)
    variables.pop("rounds")
    return len(state.tokens), len(state.scopes), len(json.dumps(variables))


def test_state_stays_the_same_size_however_often_a_loop_runs() -> None:
    model = _review_loop()
    sizes = []
    for rounds in (5, 200):
        interpreter = Interpreter(model)
        state, _ = interpreter.start(variables={"owner": "ann", "rounds": 0, "limit": 10_000})
        for _ in range(rounds):
            interpreter.complete(
                state, token_id=waiting_at(state, "review"), variables={"note": "same"}
            )
        assert state.root.variables["rounds"] == rounds
        assert positions(state) == [("review", "waiting")]
        sizes.append(_size(state))
    assert sizes[0] == sizes[1]


def test_changes_name_only_what_a_call_touched() -> None:
    model = ModelBuilder().user_task("a").user_task("b").flow("start", "a", "b", "end").build()
    interpreter = Interpreter(model)
    state, _ = interpreter.start()
    first = state.take_changes()
    assert first.tokens_saved == set(state.tokens)
    assert first.scopes_saved == {state.root_scope_id}

    token_id = waiting_at(state, "a")
    interpreter.complete(state, token_id=token_id)
    changes = state.take_changes()
    assert changes.tokens_saved == {token_id}
    assert changes.scopes_saved == set()
    interpreter.complete(state, token_id=token_id, variables={"x": 1})
    changes = state.take_changes()
    assert changes.tokens_removed == {token_id}
    assert changes.scopes_saved == {state.root_scope_id}


def test_a_subprocess_whose_outgoing_condition_fails_is_retried_without_rerunning_it() -> None:
    builder = ModelBuilder().user_task("after")
    builder.subprocess("sub").user_task("inner").flow("sub_start", "inner", "sub_end")
    model = (
        builder.flow("start", "sub")
        .flow("sub", "after", condition="${ok}", id="Flow_ok")
        .flow("sub", "end", default=True)
        .build()
    )
    interpreter = Interpreter(model)
    state, _ = interpreter.start()
    interpreter.complete(state, token_id=waiting_at(state, "inner"))
    assert positions(state) == [("sub", "failed")]
    assert len(state.scopes) == 1, "the subprocess scope is gone, only its leaving is left"

    state.set_variable(state.root_scope_id, "ok", True)
    effects = interpreter.retry(state, token_id=next(iter(state.tokens)))
    assert positions(state) == [("after", "waiting")]
    assert [e.element_id for e in of_type(effects, CreateUserTask)] == ["after"]
