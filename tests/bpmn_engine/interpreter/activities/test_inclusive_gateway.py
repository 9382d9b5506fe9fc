"""Inclusive gateways: fork on every true flow, join only what can still arrive."""

from __future__ import annotations

from collections.abc import Sequence

from bpmn_engine.interpreter.effects import CreateUserTask, RaiseIncident

from ..builders import of_type, positions, waiting_at
from .helpers import interpreter, reload


def _created(effects: Sequence[object]) -> list[str]:
    return [t.element_id for t in of_type(effects, CreateUserTask)]


def test_fork_takes_every_flow_whose_condition_holds() -> None:
    state, effects = interpreter("inclusive_fork_join").start(variables={"a": True, "b": True})
    assert _created(effects) == ["A", "B"]


def test_fork_takes_the_default_only_when_no_condition_holds() -> None:
    state, effects = interpreter("inclusive_fork_join").start(variables={"a": False, "b": False})
    assert _created(effects) == ["C"]


def test_fork_with_no_true_flow_and_no_default_is_an_incident() -> None:
    state, effects = interpreter("inclusive_no_default").start(variables={"a": False, "b": False})
    [incident] = of_type(effects, RaiseIncident)
    assert incident.message == (
        "Inclusive gateway 'Split': no condition of its outgoing flows is true "
        "and it has no default flow"
    )
    assert positions(state) == [("Split", "failed")]


def test_join_does_not_wait_for_a_branch_that_was_not_taken() -> None:
    engine = interpreter("inclusive_fork_join")
    state, _ = engine.start(variables={"a": True, "b": False})
    effects = engine.complete(state, token_id=waiting_at(state, "A"))
    assert _created(effects) == ["Done"]
    assert positions(state) == [("Done", "waiting")]


def test_join_waits_while_a_token_is_still_upstream_then_fires_once() -> None:
    engine = interpreter("inclusive_fork_join")
    state, _ = engine.start(variables={"a": True, "b": True})
    effects = engine.complete(state, token_id=waiting_at(state, "B"))
    assert _created(effects) == []
    assert sorted(positions(state)) == [("A", "waiting"), ("Join", "joining")]

    state = reload(state)
    effects = engine.complete(state, token_id=waiting_at(state, "A"))
    assert _created(effects) == ["Done"]
    assert positions(state) == [("Done", "waiting")]


def test_join_is_released_when_the_awaited_token_goes_elsewhere() -> None:
    """The token on B was upstream when A arrived, but then left for an end event: the
    join must not wait for it forever."""
    engine = interpreter("inclusive_branch_leaves")
    state, _ = engine.start()
    engine.complete(state, token_id=waiting_at(state, "A"))
    assert sorted(positions(state)) == [("B", "waiting"), ("Join", "joining")]
    effects = engine.complete(state, token_id=waiting_at(state, "B"), variables={"skip": True})
    assert _created(effects) == ["Done"]
    assert positions(state) == [("Done", "waiting")]


def test_join_takes_both_tokens_when_the_second_branch_arrives() -> None:
    engine = interpreter("inclusive_branch_leaves")
    state, _ = engine.start()
    engine.complete(state, token_id=waiting_at(state, "A"))
    effects = engine.complete(state, token_id=waiting_at(state, "B"), variables={"skip": False})
    assert _created(effects) == ["Done"]
    assert positions(state) == [("Done", "waiting")]
