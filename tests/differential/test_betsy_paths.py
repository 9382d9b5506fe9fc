"""Differential check on betsy's models: Baton's interpreter and SpiffWorkflow agree on paths.

The models are adapted as the conformance harness adapts them (``tests/conformance/adapt``)
and run in memory with each case's start variables. Only the models SpiffWorkflow 3.2.0
runs to a result are compared (decided at collection: the oracle is pinned, so the set is
fixed); call activities are left out because Baton's interpreter hands them to the runtime.
Timer, message and signal models (the ``events`` group) need the runtime too.

Baton may refuse a model only as "not supported yet" (then there is nothing to compare), or
where ``DISAGREEMENTS`` says the specification requires it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from lxml import etree

from bpmn_engine.parser import BpmnParseError

from ..conformance.adapt import adapt
from ..conformance.corpus import BETSY, betsy_cases
from .engines import BPMN, Scenario, Steps, run_baton, run_spiff
from .test_against_spiff import JOIN_ONCE, _same

OUT_OF_SCOPE_GROUPS = {"events"}
UNSUPPORTED = "is not supported yet"


def _without(*element_ids: str) -> Callable[[Steps], Steps]:
    return lambda steps: [[e for e in step if e not in element_ids] for step in steps]


BATON_REFUSES_PER_SPEC = {
    "errors/LoopTask_NegativeLoopMaximum/1": "loopMaximum=-1 is invalid (issue 3: a negative "
    "or invalid value is a deploy error); Spiff ignores it and runs the task.",
    "errors/MultiInstanceTask_NegativeLoopCardinality/1": "loopCardinality=-1 is invalid "
    "(issue 3: a deploy error); Spiff runs the model anyway.",
}
BATON_REFUSES_PER_SPEC.update(
    {
        f"errors/Token_{attribute}_Zero/1": f"{attribute[0].lower()}{attribute[1:]}=0 is "
        "invalid (BPMN 2.0 Table 10.3: at least 1); Spiff ignores the attribute."
        for attribute in ("StartQuantity", "CompletionQuantity")
    }
)
SPIFF_IGNORES_QUANTITIES = {
    case: "Baton follows the specification: Spiff ignores startQuantity/completionQuantity "
    "(BPMN 2.0 section 10.3.1), so it " + does
    for case, does in {
        "activities/Token_Cardinality_Default/1": "runs the middle task once instead of once "
        "per token of completionQuantity=2.",
        "activities/Token_Cardinality_Explicit/1": "runs the middle task once instead of "
        "once per token of completionQuantity=2.",
        "errors/Token_StartQuantity_Two/1": "starts a task with startQuantity=2 on a single "
        "token, which must wait for a second one.",
    }.items()
}
"""Cases where the paths must differ: the betsy conformance test checks Baton's side."""
SPIFF_IGNORES_BEHAVIOR_EVENTS = {
    case: "Baton follows the specification: Spiff does not throw the event of the "
    f"multi-instance behavior {behavior} (BPMN 2.0 section 10.3.8) to the activity's boundary "
    "event, which is interrupting (cancelActivity defaults to true), so Spiff runs every "
    "instance and the normal flow where Baton leaves through the boundary event."
    for case, behavior in {
        "activities/MultiInstance_NoneBehavior/1": "None",
        "activities/MultiInstance_OneBehavior/1": "One",
        "activities/MultiInstance_ComplexBehavior/1": "Complex",
        "cfpatterns/WCP09_Structured_Discriminator_MultiInstance/1": "One",
        "cfpatterns/WCP12_MultipleInstancesWithoutSynchronization/1": "None",
    }.items()
}
"""More cases where the paths must differ (the conformance overrides assert Baton's)."""
SPIFF_PATH_FIXES: dict[str, tuple[str, Callable[[Steps], Steps]]] = {
    "cfpatterns/WCP20_CancelCaseError/1": (
        "Baton follows the specification: the interrupting error boundary event cancels "
        "SubProcess_1 (BPMN 2.0 section 10.5.4), which therefore never completes; Spiff "
        "lists it as completed before the boundary event.",
        _without("SubProcess_1"),
    ),
    "cfpatterns/WCP20_CancelCaseCancel/1": (
        "Baton follows the specification: the cancel end event cancels Transaction_1 "
        "(BPMN 2.0 section 10.5.3, Cancel: the transaction is cancelled, its completed work "
        "compensated, and the token leaves through the cancel boundary), so neither the "
        "transaction nor the end event that cancelled it completes normally; Spiff lists "
        "both as completed before the boundary event.",
        _without("EndEvent_2", "Transaction_1"),
    ),
}


def _data(case: dict[str, Any]) -> bytes:
    return adapt((BETSY / case["file"]).read_bytes()).data


def _scenario(case: dict[str, Any]) -> Scenario:
    return Scenario(case["id"], case["start"]["variables"])


def _spiff_runs(case: dict[str, Any]) -> bool:
    if case["group"] in OUT_OF_SCOPE_GROUPS or b"callActivity" in _data(case):
        return False
    try:
        run_spiff(_data(case), case["process_id"], _scenario(case))
    except Exception:  # whatever Spiff cannot run is outside the oracle
        return False
    return True


CASES = [case for case in betsy_cases() if _spiff_runs(case)]


def test_the_oracle_runs_a_useful_share_of_betsy() -> None:
    """Guards the collection above: a broken adaptation would silently compare nothing."""
    assert len(CASES) >= 90, f"SpiffWorkflow ran only {len(CASES)} betsy cases"


def joins(data: bytes) -> set[str]:
    """Converging parallel/inclusive/complex gateways (more than one incoming flow)."""
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    targets = [flow.get("targetRef") for flow in root.iter(f"{{{BPMN}}}sequenceFlow")]
    kinds = ("parallelGateway", "inclusiveGateway", "complexGateway")
    gateways = {g.get("id") for kind in kinds for g in root.iter(f"{{{BPMN}}}{kind}")}
    return {str(g) for g in gateways if targets.count(g) > 1}


def collapse_joins(steps: Steps, join_ids: set[str]) -> Steps:
    """Read Baton's path as activations: a join completing once per merged token counts once."""
    return [
        [e for i, e in enumerate(step) if not (e in join_ids and i and step[i - 1] == e)]
        for step in steps
    ]


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_baton_takes_spiffs_path_on_betsy(case: dict[str, Any]) -> None:
    data, process_id, scenario = _data(case), case["process_id"], _scenario(case)
    spiff = run_spiff(data, process_id, scenario)
    try:
        baton = run_baton(data, process_id, scenario)
    except BpmnParseError as error:
        if case["id"] in BATON_REFUSES_PER_SPEC:
            return
        other = [str(issue) for issue in error.issues if UNSUPPORTED not in issue.message]
        assert other == [], f"Baton refuses a model Spiff runs: {other}"
        return
    assert case["id"] not in BATON_REFUSES_PER_SPEC, BATON_REFUSES_PER_SPEC.get(case["id"])
    must_differ = SPIFF_IGNORES_QUANTITIES.get(case["id"]) or SPIFF_IGNORES_BEHAVIOR_EVENTS.get(
        case["id"]
    )
    if must_differ:
        assert not _same(baton, spiff), f"disagreement gone: {must_differ}"
        return
    why, fix = SPIFF_PATH_FIXES.get(case["id"], ("", lambda steps: steps))
    baton = collapse_joins(baton, joins(data))
    assert _same(baton, fix(spiff)), f"paths differ {why or JOIN_ONCE}\n  {baton}\n  {spiff}"
