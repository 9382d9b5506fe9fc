"""Parallel multiple events (``parallelMultiple="true"``, BPMN 2.0 10.5.1): the event
fires only once every one of its definitions has triggered, in any order."""

from __future__ import annotations

import pytest

from bpmn_engine.interpreter import Interpreter
from bpmn_engine.interpreter.behaviors.parallel_multiple import KEY
from bpmn_engine.interpreter.effects import ScheduleTimer, Subscribe, Unsubscribe
from bpmn_engine.interpreter.errors import TokenNotWaitingError

from ..builders import of_type, positions, waiting_at
from .diagrams import model


def test_a_parallel_catch_listens_for_each_definition_under_its_own_part_id() -> None:
    interpreter = Interpreter(model("parallel_multiple_catch"))
    state, effects = interpreter.start()
    assert [(s.element_id, s.kind, s.name) for s in of_type(effects, Subscribe)] == [
        ("PaidAndShipped#0", "message", "Paid"),
        ("PaidAndShipped#1", "signal", "Shipped"),
    ]
    token_id = waiting_at(state, "PaidAndShipped")

    effects = interpreter.trigger(
        state, token_id=token_id, element_id="PaidAndShipped#1", variables={"carrier": "DHL"}
    )
    assert positions(state) == [("PaidAndShipped", "waiting")], "one of two is not enough"
    assert of_type(effects, Unsubscribe) == []
    root = state.scopes[state.root_scope_id]
    assert root.variables["carrier"] == "DHL"
    assert root.variables[KEY] == {f"{token_id}/PaidAndShipped": [1]}

    interpreter.trigger(state, token_id=token_id, element_id="PaidAndShipped#1")
    assert positions(state) == [("PaidAndShipped", "waiting")], "a part counts once"

    effects = interpreter.trigger(state, token_id=token_id, element_id="PaidAndShipped#0")
    assert Unsubscribe(token_id=token_id) in effects
    assert positions(state) == [("Close", "waiting")]
    assert KEY not in root.variables, "nothing is kept once the event fired"


def test_internal_signals_fire_a_parallel_catch_only_when_both_were_thrown() -> None:
    interpreter = Interpreter(model("parallel_multiple_signals"))
    state, _ = interpreter.start()
    interpreter.complete(state, token_id=waiting_at(state, "Prepare"))
    assert positions(state) == [("BothSignals", "waiting"), ("Second", "waiting")]

    interpreter.complete(state, token_id=waiting_at(state, "Second"))
    assert positions(state) == [("Caught", "waiting")]


def test_a_parallel_boundary_interrupts_only_after_every_definition() -> None:
    interpreter = Interpreter(model("parallel_multiple_boundary"))
    state, _ = interpreter.start()
    review = waiting_at(state, "Review")
    interpreter.trigger(state, token_id=review, element_id="RecallConfirmed#0")
    assert positions(state) == [("Review", "waiting")]

    interpreter.trigger(state, token_id=review, element_id="RecallConfirmed#1")
    assert positions(state) == [("Recalled", "waiting")]


def test_a_parallel_boundary_forgets_its_parts_when_the_activity_completes() -> None:
    interpreter = Interpreter(model("parallel_multiple_boundary"))
    state, _ = interpreter.start()
    review = waiting_at(state, "Review")
    interpreter.trigger(state, token_id=review, element_id="RecallConfirmed#1")
    root = state.scopes[state.root_scope_id]
    assert KEY in root.variables

    interpreter.complete(state, token_id=review)
    assert KEY not in root.variables
    with pytest.raises(TokenNotWaitingError):
        interpreter.trigger(state, token_id=review, element_id="RecallConfirmed#0")


def test_a_parallel_start_waits_at_the_start_event_for_its_other_events() -> None:
    interpreter = Interpreter(model("parallel_multiple_start"))
    state, effects = interpreter.start(start_event_id="OrderAndStock")
    assert [(s.element_id, s.name) for s in of_type(effects, Subscribe)] == [
        ("OrderAndStock#0", "OrderPlaced"),
        ("OrderAndStock#1", "StockArrived"),
    ]
    token_id = waiting_at(state, "OrderAndStock")
    interpreter.trigger(state, token_id=token_id, element_id="OrderAndStock#0")
    assert positions(state) == [("OrderAndStock", "waiting")]
    effects = interpreter.trigger(state, token_id=token_id, element_id="OrderAndStock#1")
    assert Unsubscribe(token_id=token_id) in effects
    assert positions(state) == [("Ship", "waiting")]


def test_after_an_event_based_gateway_a_parallel_catch_wins_only_with_its_last_part() -> None:
    """Was: the gateway took the parallel event's path on its first part."""
    interpreter = Interpreter(model("parallel_multiple_after_event_gateway"))
    state, effects = interpreter.start()
    gateway = waiting_at(state, "Wait")
    assert sorted(s.element_id for s in of_type(effects, Subscribe)) == [
        "Cancelled",
        "PaidAndShipped#0",
        "PaidAndShipped#1",
    ]

    effects = interpreter.trigger(
        state, token_id=gateway, element_id="PaidAndShipped#1", variables={"carrier": "DHL"}
    )
    assert positions(state) == [("Wait", "waiting")], "one of two parts is not enough"
    assert of_type(effects, Unsubscribe) == []
    root = state.scopes[state.root_scope_id]
    assert root.variables[KEY] == {f"{gateway}/PaidAndShipped": [1]}

    effects = interpreter.trigger(state, token_id=gateway, element_id="PaidAndShipped#0")
    assert Unsubscribe(token_id=gateway) in effects, "the other event is cancelled"
    assert positions(state) == [("Close", "waiting")]
    assert root.variables["carrier"] == "DHL"
    assert KEY not in root.variables


def test_after_an_event_based_gateway_another_event_can_still_win_over_a_partial_one() -> None:
    interpreter = Interpreter(model("parallel_multiple_after_event_gateway"))
    state, _ = interpreter.start()
    gateway = waiting_at(state, "Wait")
    interpreter.trigger(state, token_id=gateway, element_id="PaidAndShipped#0")
    assert positions(state) == [("Wait", "waiting")]

    effects = interpreter.trigger(state, token_id=gateway, element_id="Cancelled")
    assert Unsubscribe(token_id=gateway) in effects
    assert positions(state) == [("Refund", "waiting")]
    assert KEY not in state.scopes[state.root_scope_id].variables, "the part is forgotten"


def test_a_cycle_timer_part_counts_once_like_any_other_part() -> None:
    """A timer part is scheduled with its cycle; its first firing is the part's trigger
    (the runtime does not re-arm a part, ``services/events/timers.py``)."""
    interpreter = Interpreter(model("parallel_multiple_cycle_part"))
    state, effects = interpreter.start()
    review = waiting_at(state, "Review")
    [timer] = of_type(effects, ScheduleTimer)
    assert (timer.element_id, timer.timer_type, timer.value) == (
        "OverdueAndEscalated#0",
        "cycle",
        "R3/PT10M",
    )
    interpreter.trigger(state, token_id=review, element_id="OverdueAndEscalated#0")
    interpreter.trigger(state, token_id=review, element_id="OverdueAndEscalated#0")
    assert positions(state) == [("Review", "waiting")], "a repeated timer part counts once"

    interpreter.trigger(state, token_id=review, element_id="OverdueAndEscalated#1")
    assert positions(state) == [("Chase", "waiting"), ("Review", "waiting")]
    assert KEY not in state.scopes[state.root_scope_id].variables
