"""Embedded subprocesses, variable scopes and terminate end events."""

from __future__ import annotations

from bpmn_engine.interpreter import Interpreter, TokenState
from bpmn_engine.interpreter.effects import (
    CancelJob,
    CancelUserTask,
    CreateUserTask,
    InstanceEnded,
    RaiseIncident,
)

from .builders import ModelBuilder, of_type, positions, waiting_at


def _with_subprocess() -> ModelBuilder:
    builder = ModelBuilder().user_task("after")
    inner = builder.subprocess("sub")
    inner.user_task("inner_task").flow("sub_start", "inner_task", "sub_end")
    return builder.flow("start", "sub", "after", "end")


def test_subprocess_runs_in_a_child_scope_and_leaves_when_its_scope_completes() -> None:
    model = _with_subprocess().build()
    interpreter = Interpreter(model)
    state, _ = interpreter.start()

    assert positions(state) == [("inner_task", "waiting"), ("sub", "in_scope")]
    [child] = [s for s in state.scopes.values() if s.parent_id is not None]
    parent_token = next(t for t in state.tokens.values() if t.element_id == "sub")
    assert child.element_id == "sub"
    assert child.parent_id == state.root_scope_id
    assert child.token_id == parent_token.id
    assert child.variables == {}

    effects = interpreter.complete(state, token_id=waiting_at(state, "inner_task"))
    assert positions(state) == [("after", "waiting")]
    assert list(state.scopes) == [state.root_scope_id]
    assert of_type(effects, InstanceEnded) == []


def test_variable_writes_from_a_subprocess_follow_the_camunda_rule() -> None:
    """An existing outer variable is updated where it lives, a new one goes to the
    process instance, and a local write stays in the subprocess scope."""
    model = _with_subprocess().build()
    interpreter = Interpreter(model)
    state, _ = interpreter.start(variables={"outer": 1})
    [child] = [s for s in state.scopes.values() if s.parent_id is not None]
    token_id = waiting_at(state, "inner_task")

    state.set_variable(child.id, "mine", "local", local=True)
    interpreter.complete(state, token_id=token_id, variables={"outer": 2, "new": 3})
    assert state.root.variables == {"outer": 2, "new": 3}
    assert "mine" not in state.root.variables


def test_complete_with_local_keeps_variables_in_the_subprocess_scope() -> None:
    builder = ModelBuilder().user_task("after")
    inner = builder.subprocess("sub")
    inner.user_task("a").user_task("b").flow("sub_start", "a", "b", "sub_end")
    model = builder.flow("start", "sub", "after").build()
    interpreter = Interpreter(model)
    state, _ = interpreter.start(variables={"shared": 0})
    [child] = [s for s in state.scopes.values() if s.parent_id is not None]

    interpreter.complete(
        state, token_id=waiting_at(state, "a"), variables={"shared": 9, "note": "x"}, local=True
    )
    assert child.variables == {"shared": 9, "note": "x"}
    assert state.root.variables == {"shared": 0}

    interpreter.complete(state, token_id=waiting_at(state, "b"), variables={"shared": 10})
    assert child.variables == {"shared": 10, "note": "x"}, "the inner variable shadows"
    interpreter.complete(state, token_id=waiting_at(state, "after"))
    assert state.root.variables == {"shared": 0}, "local values vanish with their scope"


def test_conditions_inside_a_subprocess_see_inner_and_outer_variables() -> None:
    builder = ModelBuilder()
    inner = builder.subprocess("sub")
    (
        inner.xor("gw")
        .user_task("yes")
        .flow("sub_start", "set_local")
        .script_task("set_local", "unused = 0")
        .flow("set_local", "gw")
        .flow("gw", "yes", condition="${limit > 1 and unused == 0}")
        .flow("gw", "sub_end", default=True)
    )
    model = builder.flow("start", "sub", "end").build()
    state, _ = Interpreter(model).start(variables={"limit": 5})
    assert positions(state) == [("sub", "in_scope"), ("yes", "waiting")]


def test_a_subprocess_without_start_event_is_an_incident() -> None:
    builder = ModelBuilder()
    builder.subprocess("sub").task("lonely")
    model = builder.flow("start", "sub", "end").build()
    state, effects = Interpreter(model).start()
    assert positions(state) == [("sub", "failed")]
    assert [i.message for i in of_type(effects, RaiseIncident)] == [
        "Subprocess 'sub' has no none start event to start from"
    ]
    assert list(state.scopes) == [state.root_scope_id]


def test_terminate_end_event_in_the_root_ends_everything() -> None:
    builder = (
        ModelBuilder()
        .parallel("fork")
        .user_task("wait_a")
        .service_task("job", binding="external", topic="t")
        .end("kill", terminate=True)
        .flow("start", "fork")
        .flow("fork", "wait_a", "end")
        .flow("fork", "job", "end2")
        .flow("fork", "sub")
        .flow("fork", "t1", "t2", "t3", "kill")  # reached after "deep" started
    )
    builder.subprocess("sub").user_task("deep").flow("sub_start", "deep", "sub_end")
    model = builder.build()
    state, effects = Interpreter(model).start()

    assert state.tokens == {}
    assert list(state.scopes) == [state.root_scope_id]
    assert {e.token_id for e in of_type(effects, CancelUserTask)} == {
        e.token_id for e in of_type(effects, CreateUserTask)
    }
    assert len(of_type(effects, CancelUserTask)) == 2
    assert len(of_type(effects, CancelJob)) == 1
    assert of_type(effects, InstanceEnded) == [InstanceEnded(outcome="terminated")]


def test_terminate_end_event_in_a_subprocess_ends_only_that_subprocess() -> None:
    builder = ModelBuilder().user_task("outside").user_task("after").parallel("fork")
    inner = builder.subprocess("sub")
    (
        inner.parallel("inner_fork")
        .user_task("inner_wait")
        .end("inner_kill", terminate=True)
        .flow("sub_start", "inner_fork")
        .flow("inner_fork", "inner_wait", "sub_end")
        .flow("inner_fork", "inner_kill")
    )
    model = (
        builder.flow("start", "fork")
        .flow("fork", "outside", "end")
        .flow("fork", "sub", "after", "end2")
        .build()
    )
    state, effects = Interpreter(model).start()

    assert positions(state) == [("after", "waiting"), ("outside", "waiting")]
    assert list(state.scopes) == [state.root_scope_id]
    [cancelled] = of_type(effects, CancelUserTask)
    assert cancelled.reason == "terminated"
    assert of_type(effects, InstanceEnded) == []
    assert all(t.state is TokenState.WAITING for t in state.tokens.values())
