"""Start, end and task elements: what each kind does with a token."""

from __future__ import annotations

import pytest

from bpmn_engine.interpreter import (
    Interpreter,
    Limits,
    NotStartableError,
    TokenState,
)
from bpmn_engine.interpreter.effects import (
    HISTORY_ELEMENT_COMPLETED,
    HISTORY_ELEMENT_STARTED,
    HISTORY_INSTANCE_COMPLETED,
    HISTORY_INSTANCE_STARTED,
    HISTORY_VARIABLES_SET,
    CreateJob,
    CreateUserTask,
    InstanceEnded,
    RaiseIncident,
    RecordHistory,
)

from .builders import ModelBuilder, of_type, positions, waiting_at


def test_a_sequence_of_pass_through_elements_completes_at_once() -> None:
    model = ModelBuilder().manual_task("manual").flow("start", "plain", "manual", "end").build()
    state, effects = Interpreter(model).start(variables={"x": 1})

    assert state.tokens == {}
    assert of_type(effects, InstanceEnded) == [InstanceEnded(outcome="completed")]
    history = [(e.event, e.element_id) for e in of_type(effects, RecordHistory)]
    assert history == [
        (HISTORY_INSTANCE_STARTED, "proc"),
        (HISTORY_ELEMENT_STARTED, "start"),
        (HISTORY_ELEMENT_COMPLETED, "start"),
        (HISTORY_ELEMENT_STARTED, "plain"),
        (HISTORY_ELEMENT_COMPLETED, "plain"),
        (HISTORY_ELEMENT_STARTED, "manual"),
        (HISTORY_ELEMENT_COMPLETED, "manual"),
        (HISTORY_ELEMENT_STARTED, "end"),
        (HISTORY_ELEMENT_COMPLETED, "end"),
        (HISTORY_INSTANCE_COMPLETED, "proc"),
    ]
    started = of_type(effects, RecordHistory)[5]
    assert dict(started.data) == {"type": "manualTask", "name": ""}
    assert state.root.variables == {"x": 1}
    assert state.root.element_id == "proc"


def test_start_sets_the_initiator_variable_of_the_start_event() -> None:
    model = ModelBuilder().start("start", initiator="starter").flow("start", "end").build()
    state, _ = Interpreter(model).start(initiator="alice")
    assert state.root.variables == {"starter": "alice"}


def test_start_picks_the_first_none_start_event_or_the_given_one() -> None:
    model = (
        ModelBuilder()
        .user_task("a")
        .user_task("b")
        .flow("start1", "a", "end")
        .flow("start2", "b", "end")
        .build()
    )
    state, _ = Interpreter(model).start()
    assert positions(state) == [("a", "waiting")]
    state, _ = Interpreter(model).start(start_event_id="start2")
    assert positions(state) == [("b", "waiting")]


def test_start_refuses_processes_it_cannot_start() -> None:
    not_executable = ModelBuilder(executable=False).flow("start", "end").build()
    with pytest.raises(NotStartableError, match="Process 'proc' is not executable"):
        Interpreter(not_executable).start()
    no_start = ModelBuilder().flow("task", "end").build()
    with pytest.raises(NotStartableError, match="has no none start event"):
        Interpreter(no_start).start()
    model = ModelBuilder().flow("start", "end").build()
    with pytest.raises(NotStartableError, match="'end' is not a none start event"):
        Interpreter(model).start(start_event_id="end")


def test_user_task_waits_with_its_assignment_resolved_from_variables() -> None:
    model = (
        ModelBuilder()
        .start("start", initiator="initiator")
        .user_task(
            "review",
            name="Review",
            assignee="${initiator}",
            candidate_users=" bob, ,carol ",
            candidate_groups="${groups}",
            due_date="${due}",
            priority="${prio}",
            form_key="embedded:review",
            documentation="Check it",
        )
        .flow("start", "review", "end")
        .build()
    )
    variables = {"groups": ["finance", "hr"], "due": "2030-01-01", "prio": "70"}
    state, effects = Interpreter(model).start(variables=variables, initiator="alice")

    token_id = waiting_at(state, "review")
    assert of_type(effects, CreateUserTask) == [
        CreateUserTask(
            token_id=token_id,
            element_id="review",
            name="Review",
            assignee="alice",
            candidate_users=("bob", "carol"),
            candidate_groups=("finance", "hr"),
            due_date="2030-01-01",
            priority=70,
            form_key="embedded:review",
            documentation="Check it",
        )
    ]
    effects = Interpreter(model).complete(state, token_id=token_id, variables={"ok": True})
    assert state.tokens == {}
    assert state.root.variables["ok"] is True
    assert of_type(effects, InstanceEnded) == [InstanceEnded(outcome="completed")]
    variables_set = [e for e in of_type(effects, RecordHistory) if e.event == HISTORY_VARIABLES_SET]
    assert [dict(e.data) for e in variables_set] == [{"names": ["ok"]}]


def test_user_task_with_a_bad_priority_is_an_incident() -> None:
    model = ModelBuilder().user_task("review", priority="high").flow("start", "review").build()
    state, effects = Interpreter(model).start()
    assert positions(state) == [("review", "failed")]
    assert of_type(effects, CreateUserTask) == []
    [incident] = of_type(effects, RaiseIncident)
    assert incident.message == "The priority of user task 'review' is not an integer: 'high'"


def test_user_task_template_naming_an_unknown_variable_is_an_incident() -> None:
    model = ModelBuilder().user_task("review", assignee="${boss}").flow("start", "review").build()
    state, effects = Interpreter(model).start()
    [incident] = of_type(effects, RaiseIncident)
    assert incident.element_id == "review"
    assert incident.message.startswith("The assignee of user task 'review' failed: ")
    assert "boss" in incident.message


def test_service_task_with_a_topic_waits_for_its_job() -> None:
    model = (
        ModelBuilder()
        .service_task(
            "charge",
            binding="external",
            topic="payments",
            retry_time_cycle="R3/PT1M",
            result_variable="receipt",
        )
        .flow("start", "charge", "end")
        .build()
    )
    state, effects = Interpreter(model).start()
    token_id = waiting_at(state, "charge")
    assert of_type(effects, CreateJob) == [
        CreateJob(
            token_id=token_id, element_id="charge", topic="payments", retry_time_cycle="R3/PT1M"
        )
    ]
    Interpreter(model).complete(state, token_id=token_id, variables={"result": "R-1", "paid": 5})
    assert state.root.variables == {"result": "R-1", "paid": 5, "receipt": "R-1"}
    assert state.tokens == {}


def test_service_task_without_binding_uses_its_id_as_topic() -> None:
    model = ModelBuilder().service_task("notify").flow("start", "notify", "end").build()
    _, effects = Interpreter(model).start()
    assert [e.topic for e in of_type(effects, CreateJob)] == ["notify"]


def test_service_task_with_an_expression_runs_in_place() -> None:
    model = (
        ModelBuilder()
        .service_task(
            "total", binding="expression", expression="${price * qty}", result_variable="sum"
        )
        .flow("start", "total", "end")
        .build()
    )
    state, effects = Interpreter(model).start(variables={"price": 3, "qty": 4})
    assert state.tokens == {}
    assert state.root.variables["sum"] == 12
    assert of_type(effects, CreateJob) == []


def test_script_task_writes_each_assignment_and_the_result_variable() -> None:
    model = (
        ModelBuilder()
        .script_task("calc", "total = price * 2\nlabel = 'big'", result_variable="out")
        .flow("start", "calc", "end")
        .build()
    )
    state, effects = Interpreter(model).start(variables={"price": 21})
    assert state.root.variables == {"price": 21, "total": 42, "label": "big", "out": "big"}
    variables_set = [e for e in of_type(effects, RecordHistory) if e.event == HISTORY_VARIABLES_SET]
    assert [dict(e.data) for e in variables_set] == [{"names": ["total", "label", "out"]}]


def test_script_task_failure_writes_nothing_and_is_an_incident() -> None:
    model = (
        ModelBuilder()
        .script_task("calc", "a = 1\nb = missing + 1")
        .flow("start", "calc", "end")
        .build()
    )
    state, effects = Interpreter(model).start()
    assert positions(state) == [("calc", "failed")]
    assert state.root.variables == {}
    [incident] = of_type(effects, RaiseIncident)
    assert incident.message.startswith("The script of task 'calc' failed: ")
    assert "missing" in incident.message


def test_script_task_refuses_a_value_bigger_than_the_limit() -> None:
    model = (
        ModelBuilder()
        .script_task("calc", "small = 1\nblob = text + text")
        .flow("start", "calc", "end")
        .build()
    )
    interpreter = Interpreter(model, limits=Limits(max_variable_bytes=100))
    state, effects = interpreter.start(variables={"text": "x" * 100})
    assert positions(state) == [("calc", "failed")]
    [incident] = of_type(effects, RaiseIncident)
    assert incident.message == (
        "Script task 'calc': variable 'blob' is 202 bytes as JSON, more than the limit of 100"
    )
    assert state.root.variables == {"text": "x" * 100}, "nothing is written"


def test_a_node_kind_without_behavior_is_an_incident_not_a_crash() -> None:
    from bpmn_engine.model import Gateway

    model = ModelBuilder().node(Gateway, "odd").flow("start", "odd", "end").build()
    state, effects = Interpreter(model).start()
    assert positions(state) == [("odd", "failed")]
    [incident] = of_type(effects, RaiseIncident)
    assert incident.message == "Element 'odd' is a Gateway, which the engine cannot run"


def test_the_token_state_enum_is_what_the_state_holds() -> None:
    model = ModelBuilder().user_task("review").flow("start", "review", "end").build()
    state, _ = Interpreter(model).start()
    [token] = state.tokens.values()
    assert token.state is TokenState.WAITING
    assert token.arrived_via == "start->review"


def test_service_task_expression_failure_is_an_incident() -> None:
    model = (
        ModelBuilder()
        .service_task("total", binding="expression", expression="${price * qty}")
        .flow("start", "total", "end")
        .build()
    )
    state, effects = Interpreter(model).start(variables={"price": 3})
    assert positions(state) == [("total", "failed")]
    [incident] = of_type(effects, RaiseIncident)
    assert incident.message.startswith("The expression of service task 'total' failed: ")
    assert "qty" in incident.message


def test_a_new_element_kind_needs_only_a_small_behavior_class(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dataclasses import dataclass

    from bpmn_engine.interpreter import behaviors
    from bpmn_engine.interpreter.context import Context
    from bpmn_engine.interpreter.state import Token
    from bpmn_engine.model import Task

    @dataclass(frozen=True, slots=True, kw_only=True)
    class StampTask(Task):
        stamp: str = ""

    class StampTaskBehavior:
        def enter(self, ctx: Context, token: Token) -> None:
            node = ctx.node(token)
            assert isinstance(node, StampTask)
            ctx.set_variables(token, {"stamp": node.stamp})
            ctx.pass_through(token)

    monkeypatch.setattr(
        behaviors, "BEHAVIORS", {**behaviors.BEHAVIORS, StampTask: StampTaskBehavior()}
    )
    model = ModelBuilder().node(StampTask, "stamp_it", stamp="ok").flow("start", "stamp_it").build()
    state, effects = Interpreter(model).start()
    assert state.root.variables == {"stamp": "ok"}
    assert of_type(effects, InstanceEnded) == [InstanceEnded(outcome="completed")]
