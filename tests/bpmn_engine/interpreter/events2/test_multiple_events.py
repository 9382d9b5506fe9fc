"""Events with several definitions (BPMN 2.0 10.5.1, "Multiple"): a catch event listens
for each and any one fires it; a throw event throws every one of them."""

from __future__ import annotations

from pathlib import Path

from bpmn_engine.interpreter import Interpreter
from bpmn_engine.interpreter.effects import Subscribe, ThrowSignal, Unsubscribe
from bpmn_engine.model import IntermediateCatchEvent
from bpmn_engine.parser import parse_bpmn

from ..builders import of_type, positions, waiting_at
from .diagrams import DIAGRAMS, model


def test_a_multiple_catch_subscribes_to_each_definition_and_any_one_fires_it() -> None:
    interpreter = Interpreter(model("multiple_events"))
    state, effects = interpreter.start()
    catch = [(s.element_id, s.kind, s.name) for s in of_type(effects, Subscribe)]
    assert catch == [
        ("GoOrStop", "message", "GoMessage"),
        ("GoOrStop", "signal", "Go"),
        ("OnlyStop", "signal", "Stop"),
    ]
    token_id = next(s.token_id for s in of_type(effects, Subscribe) if s.element_id == "GoOrStop")
    effects = interpreter.trigger(state, token_id=token_id, element_id="GoOrStop")
    assert Unsubscribe(token_id=token_id) in effects, "the other definition stops listening"
    assert ("Went", "waiting") in positions(state)


def test_a_multiple_throw_throws_every_signal_and_reaches_each_waiting_catch() -> None:
    interpreter = Interpreter(model("multiple_events"))
    state, _ = interpreter.start()
    effects = interpreter.complete(state, token_id=waiting_at(state, "Prepare"))
    assert of_type(effects, ThrowSignal) == [
        ThrowSignal(name="Go", element_id="GoAndStop"),
        ThrowSignal(name="Stop", element_id="GoAndStop"),
    ]
    assert positions(state) == [("Stopped", "waiting"), ("Went", "waiting")]


def test_a_parallel_multiple_catch_deploys_and_needs_every_signal() -> None:
    """Run in tests/bpmn_engine/interpreter/events3/test_parallel_multiple.py."""
    path = Path(DIAGRAMS) / "multiple_parallel_catch.bpmn"
    process = parse_bpmn(path.read_bytes(), filename=path.name).definitions.processes[0]
    catch = process.node("BothSignals")
    assert isinstance(catch, IntermediateCatchEvent) and catch.parallel_multiple
