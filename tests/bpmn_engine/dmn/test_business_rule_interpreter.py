"""The business rule task in the pure interpreter, with a resolver over parsed DMN files."""

from __future__ import annotations

from typing import Any

from bpmn_engine.dmn import Decision, parse_dmn
from bpmn_engine.interpreter import Interpreter, TokenState
from bpmn_engine.interpreter.decisions import DecisionNotFound
from bpmn_engine.interpreter.effects import CreateUserTask, InstanceEnded, RaiseIncident
from bpmn_engine.model import BusinessRuleTask, ProcessModel
from bpmn_engine.parser import parse_bpmn
from tests.conftest import DIAGRAMS


def _model(name: str) -> ProcessModel:
    data = (DIAGRAMS / "dmn" / f"{name}.bpmn").read_bytes()
    return parse_bpmn(data, filename=f"{name}.bpmn").definitions.processes[0]


class FileDecisions:
    """A resolver over DMN files on disk; it records what was asked for."""

    def __init__(self, *names: str) -> None:
        self.decisions: dict[str, Decision] = {}
        for name in names:
            data = (DIAGRAMS / "dmn" / f"{name}.dmn").read_bytes()
            self.decisions.update(parse_dmn(data, filename=f"{name}.dmn").decisions)
        self.asked: list[tuple[str, str, int | None]] = []

    def __call__(self, key: str, *, binding: str, version: int | None) -> Decision:
        self.asked.append((key, binding, version))
        if key not in self.decisions:
            raise DecisionNotFound(f"decision '{key}' is not deployed")
        return self.decisions[key]


def _incidents(effects: list[Any]) -> list[tuple[str, str]]:
    return [(e.element_id, e.message) for e in effects if isinstance(e, RaiseIncident)]


def test_the_builder_reads_camunda_decision_attributes():
    model = _model("pinned_version")
    pinned = model.nodes["decide_v1"]
    assert isinstance(pinned, BusinessRuleTask)
    assert (pinned.binding, pinned.decision_ref, pinned.decision_binding) == (
        "decision",
        "dish",
        "version",
    )
    assert (pinned.decision_version, pinned.result_variable) == (1, "first")
    assert pinned.map_decision_result == "singleEntry"
    latest = model.nodes["decide_latest"]
    assert isinstance(latest, BusinessRuleTask)
    assert (latest.decision_binding, latest.decision_version) == ("latest", None)


def test_decisions_run_synchronously_and_write_the_mapped_results():
    decisions = FileDecisions("dish")
    interpreter = Interpreter(_model("dinner"), decisions=decisions)
    state, effects = interpreter.start(
        variables={"season": "Spring", "guestCount": 6, "guestsWithChildren": False}
    )
    variables = state.scopes[state.root_scope_id].variables
    assert variables["dish"] == "Steak"
    assert variables["beverages"] == ["Bordeaux", "Water"]
    assert variables["menu"] == [{"beverage": "Bordeaux"}, {"beverage": "Water"}]
    assert [e.element_id for e in effects if isinstance(e, CreateUserTask)] == ["serve"]
    assert decisions.asked == [
        ("dish", "latest", None),
        ("beverages", "latest", None),
        ("beverages", "deployment", None),
    ]


def test_a_decision_ref_template_is_resolved_against_the_variables():
    decisions = FileDecisions("overlap")
    state, effects = Interpreter(_model("dynamic_ref"), decisions=decisions).start(
        variables={"table": "approval", "amount": 10}
    )
    assert effects[-1] == InstanceEnded(outcome="completed")
    assert decisions.asked == [("approval", "deployment", None)]


def test_without_a_resolver_the_task_raises_an_incident():
    state, effects = Interpreter(_model("missing_decision")).start(variables={"amount": 1})
    assert _incidents(effects) == [
        (
            "decide",
            "Business rule task 'decide': no decisions are available to this engine "
            "(decision 'approval')",
        )
    ]
    (token,) = state.tokens.values()
    assert (token.element_id, token.state) == ("decide", TokenState.FAILED)


def test_a_failing_decision_leaves_no_result_and_retries_afresh():
    decisions = FileDecisions("overlap")
    interpreter = Interpreter(_model("approval"), decisions=decisions)
    state, effects = interpreter.start(variables={"amount": 1000})
    assert _incidents(effects) == [
        (
            "decide_level",
            "Business rule task 'decide_level' failed: Decision 'approval' has hit policy "
            "UNIQUE but 2 rules match: 'medium', 'large'",
        )
    ]
    assert "result" not in state.scopes[state.root_scope_id].variables

    state.scopes[state.root_scope_id].variables["amount"] = 5000
    (token,) = state.tokens.values()
    effects = interpreter.retry(state, token_id=token.id)
    assert state.scopes[state.root_scope_id].variables["result"] == {"level": "director"}
    assert [e.element_id for e in effects if isinstance(e, CreateUserTask)] == ["review"]
