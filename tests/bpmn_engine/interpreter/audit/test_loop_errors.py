"""Issue 3 audit: an error (or escalation) boundary on a multi-instance activity belongs
to the whole activity. An error thrown by one instance - an error end event inside a multi-instance
subprocess, or a handler's BPMN error on one instance of a service task - ends every
instance and leaves by the boundary (it used to cancel only the throwing instance, or
to miss the boundary altogether and raise an incident)."""

from __future__ import annotations

from bpmn_engine.interpreter import Interpreter
from bpmn_engine.interpreter.effects import CancelJob, CancelUserTask, CreateJob, CreateUserTask

from ..builders import of_type, positions
from .diagrams import model


def test_an_error_end_in_one_subprocess_instance_ends_every_instance() -> None:
    interpreter = Interpreter(model("error_from_multi_instance"))
    state, effects = interpreter.start(variables={"items": [1, 2, 3]})
    first, second, third = of_type(effects, CreateUserTask)
    interpreter.complete(state, token_id=first.token_id, variables={"ok": True})
    effects = interpreter.complete(state, token_id=second.token_id, variables={"ok": False})
    assert positions(state) == [("Reject", "waiting")]
    assert [c.token_id for c in of_type(effects, CancelUserTask)] == [third.token_id]
    assert list(state.scopes) == [state.root_scope_id]


def test_a_handler_error_on_one_service_instance_ends_every_instance() -> None:
    interpreter = Interpreter(model("error_from_multi_instance_service"))
    state, effects = interpreter.start(variables={"cards": ["a", "b", "c"]})
    jobs = of_type(effects, CreateJob)
    assert len(jobs) == 3
    effects = interpreter.throw_error(state, token_id=jobs[1].token_id, code="DECLINED")
    assert positions(state) == [("Refund", "waiting")]
    cancelled = {c.token_id for c in of_type(effects, CancelJob)}
    assert cancelled == {job.token_id for job in jobs}  # the thrower's own job too
    assert list(state.scopes) == [state.root_scope_id]


def test_an_interrupting_escalation_from_one_instance_ends_every_instance() -> None:
    interpreter = Interpreter(model("escalation_from_multi_instance"))
    state, effects = interpreter.start(variables={"items": [1, 2, 3]})
    first, second, third = of_type(effects, CreateUserTask)
    effects = interpreter.complete(state, token_id=second.token_id, variables={"ok": False})
    assert positions(state) == [("Reject", "waiting")]
    cancelled = {c.token_id for c in of_type(effects, CancelUserTask)}
    assert cancelled == {first.token_id, third.token_id}
