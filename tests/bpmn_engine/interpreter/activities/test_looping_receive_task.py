"""A looping receive task closes each instance's subscription when its message arrives:
the instance token returns to the loop body instead of leaving the element, so the
catch behavior closes the listener itself (it used to stay open, one per instance)."""

from __future__ import annotations

from bpmn_engine.interpreter.effects import Subscribe, Unsubscribe

from ..builders import of_type, positions
from .helpers import interpreter


def test_each_instance_unsubscribes_when_its_message_arrives() -> None:
    engine = interpreter("mi_receive_task")
    state, effects = engine.start()
    [first] = of_type(effects, Subscribe)

    effects = engine.trigger(state, token_id=first.token_id, element_id="Work")
    assert Unsubscribe(token_id=first.token_id) in effects
    [second] = of_type(effects, Subscribe)

    effects = engine.trigger(state, token_id=second.token_id, element_id="Work")
    assert Unsubscribe(token_id=second.token_id) in effects
    assert positions(state) == [("Close", "waiting")]
