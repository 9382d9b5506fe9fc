"""Exclusive and parallel gateways."""

from __future__ import annotations

import pytest

from bpmn_engine.interpreter import Interpreter, TokenState
from bpmn_engine.interpreter.effects import InstanceEnded, RaiseIncident

from .builders import ModelBuilder, of_type, positions, waiting_at


def _exclusive(*, default: bool) -> ModelBuilder:
    builder = (
        ModelBuilder()
        .user_task("big")
        .user_task("also_big")
        .user_task("small")
        .xor("Gateway_1")
        .flow("start", "Gateway_1")
        .flow("Gateway_1", "big", condition="${amount > 100}", id="Flow_big")
        .flow("Gateway_1", "also_big", condition="${amount > 50}", id="Flow_also_big")
    )
    if default:
        builder.flow("Gateway_1", "small", default=True, id="Flow_small")
    return builder


@pytest.mark.parametrize(("amount", "expected"), [(500, "big"), (70, "also_big"), (1, "small")])
def test_exclusive_gateway_takes_the_first_true_flow_else_the_default(
    amount: int, expected: str
) -> None:
    state, _ = Interpreter(_exclusive(default=True).build()).start(variables={"amount": amount})
    assert positions(state) == [(expected, "waiting")]


def test_exclusive_gateway_with_no_true_flow_and_no_default_is_an_incident() -> None:
    state, effects = Interpreter(_exclusive(default=False).build()).start(variables={"amount": 1})
    assert positions(state) == [("Gateway_1", "failed")]
    assert of_type(effects, RaiseIncident) == [
        RaiseIncident(
            token_id=next(iter(state.tokens)),
            element_id="Gateway_1",
            message="Exclusive gateway 'Gateway_1': no condition of its outgoing flows is true "
            "and it has no default flow",
        )
    ]


def test_exclusive_gateway_counts_a_flow_without_condition_as_true() -> None:
    model = (
        ModelBuilder()
        .xor("gw")
        .user_task("a")
        .user_task("b")
        .flow("start", "gw")
        .flow("gw", "a", condition="${false}")
        .flow("gw", "b")
        .build()
    )
    state, _ = Interpreter(model).start()
    assert positions(state) == [("b", "waiting")]


def test_exclusive_gateway_stops_at_the_first_true_condition() -> None:
    """Later conditions are not evaluated, so they may name variables that do not exist."""
    model = (
        ModelBuilder()
        .xor("gw")
        .flow("start", "gw")
        .flow("gw", "end1", condition="${true}")
        .flow("gw", "end2", condition="${missing > 1}")
        .build()
    )
    state, effects = Interpreter(model).start()
    assert of_type(effects, InstanceEnded) == [InstanceEnded(outcome="completed")]


def test_exclusive_gateway_as_a_merge_lets_every_token_through() -> None:
    model = (
        ModelBuilder()
        .parallel("fork")
        .xor("merge")
        .user_task("after")
        .flow("start", "fork")
        .flow("fork", "a", "merge")
        .flow("fork", "b", "merge")
        .flow("merge", "after")
        .build()
    )
    state, _ = Interpreter(model).start()
    assert positions(state) == [("after", "waiting"), ("after", "waiting")]


def _fork_join(branches: int) -> ModelBuilder:
    builder = ModelBuilder().parallel("fork").parallel("join").xor("merge")
    builder.flow("start", "merge", "fork")
    for n in range(branches):
        builder.user_task(f"task{n}").flow("fork", f"task{n}", "join")
    return builder.flow("join", "after").user_task("after")


def test_parallel_gateway_forks_ignoring_conditions_and_joins_when_all_arrived() -> None:
    builder = _fork_join(3)
    model = builder.build()
    interpreter = Interpreter(model)
    state, _ = interpreter.start()
    assert positions(state) == [("task0", "waiting"), ("task1", "waiting"), ("task2", "waiting")]

    interpreter.complete(state, token_id=waiting_at(state, "task1"))
    interpreter.complete(state, token_id=waiting_at(state, "task0"))
    assert positions(state) == [("join", "joining"), ("join", "joining"), ("task2", "waiting")]

    interpreter.complete(state, token_id=waiting_at(state, "task2"))
    assert positions(state) == [("after", "waiting")]
    assert len(state.tokens) == 1


def test_parallel_fork_ignores_conditions_on_its_flows() -> None:
    model = (
        ModelBuilder()
        .parallel("fork")
        .user_task("a")
        .user_task("b")
        .flow("start", "fork")
        .flow("fork", "a", condition="${false}")
        .flow("fork", "b")
        .build()
    )
    state, _ = Interpreter(model).start()
    assert positions(state) == [("a", "waiting"), ("b", "waiting")]


def test_parallel_join_counts_tokens_per_incoming_flow_not_in_total() -> None:
    """Two tokens on one branch do not fire the join; the spare one waits for the next."""
    model = (
        ModelBuilder()
        .parallel("fork")
        .parallel("join")
        .user_task("a")
        .user_task("b")
        .flow("start", "fork")
        .flow("fork", "split")  # a task with two outgoing flows: two tokens to "a"
        .flow("split", "a")
        .flow("split", "a2")
        .flow("a2", "a")
        .flow("a", "join")
        .flow("fork", "b", "join")
        .flow("join", "after")
        .user_task("after")
        .build()
    )
    interpreter = Interpreter(model)
    state, _ = interpreter.start()
    first, second = (t.id for t in state.tokens.values() if t.element_id == "a")
    interpreter.complete(state, token_id=first)
    interpreter.complete(state, token_id=second)
    assert positions(state) == [("b", "waiting"), ("join", "joining"), ("join", "joining")]

    interpreter.complete(state, token_id=waiting_at(state, "b"))
    assert positions(state) == [("after", "waiting"), ("join", "joining")]
    [spare] = [t for t in state.tokens.values() if t.state is TokenState.JOINING]
    assert spare.id == second
    assert spare.arrived_via == "a->join"


def test_parallel_join_in_a_loop_fires_once_per_round() -> None:
    model = (
        _fork_join(2)
        .script_task("count", "rounds = rounds + 1")
        .xor("again")
        .flow("after", "count", "again")
        .flow("again", "merge", condition="${rounds < 3}")
        .flow("again", "end", default=True)
        .build()
    )
    interpreter = Interpreter(model)
    state, _ = interpreter.start(variables={"rounds": 0})
    for _ in range(3):
        interpreter.complete(state, token_id=waiting_at(state, "task0"))
        interpreter.complete(state, token_id=waiting_at(state, "task1"))
        assert positions(state) == [("after", "waiting")]
        effects = interpreter.complete(state, token_id=waiting_at(state, "after"))
    assert state.root.variables["rounds"] == 3
    assert state.tokens == {}
    assert of_type(effects, InstanceEnded) == [InstanceEnded(outcome="completed")]


def test_a_gateway_that_forks_and_joins_does_both() -> None:
    model = (
        ModelBuilder()
        .parallel("fork")
        .parallel("both")
        .user_task("x")
        .user_task("y")
        .flow("start", "fork")
        .flow("fork", "a", "both")
        .flow("fork", "b", "both")
        .flow("both", "x")
        .flow("both", "y")
        .build()
    )
    state, _ = Interpreter(model).start()
    assert positions(state) == [("x", "waiting"), ("y", "waiting")]
