"""Differential check: Baton's interpreter and SpiffWorkflow 3.2.0 take the same paths.

Each scenario runs one diagram in both engines, in memory, with the same start variables
and the same decisions (see ``engines.py``), and compares the element ids each step
completed. Within one step parallel branches may legitimately interleave differently, so a
step is compared as a multiset when its order differs; the steps themselves, and which
elements each completes, must agree.

Where the engines disagree, ``DISAGREEMENTS`` records which one follows the specification,
and the test asserts exactly that difference, so a fix on either side shows up.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from .engines import Scenario, Steps, run_baton, run_spiff

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "diagrams"
TESTS = ROOT / "tests" / "diagrams"

IMPORTS_SPIFF = re.compile(r"^\s*(from|import)\s+SpiffWorkflow\b", re.MULTILINE)
YES, NO = {"approved": True}, {"approved": False}

SCENARIOS: list[tuple[Path, str, Scenario]] = [
    *(
        (SHIPPED / "purchase_request.bpmn", "purchase_request", scenario)
        for scenario in (
            Scenario("small, approved", {"amount": 500}, {"Task_ManagerApproval": YES}),
            Scenario("manager rejects", {"amount": 500}, {"Task_ManagerApproval": NO}),
            Scenario(
                "large, both approve",
                {"amount": 5000},
                {"Task_ManagerApproval": YES, "Task_FinanceApproval": YES},
            ),
            Scenario(
                "large, finance rejects",
                {"amount": 5000},
                {"Task_ManagerApproval": YES, "Task_FinanceApproval": NO},
            ),
        )
    ),
    (
        TESTS / "interpreter/approval.bpmn",
        "Approval",
        Scenario("approved", {"amount": 5}, {"Review": YES}),
    ),
    (
        TESTS / "interpreter/approval.bpmn",
        "Approval",
        Scenario("rejected", {"amount": 5}, {"Review": NO}),
    ),
    (TESTS / "interpreter/parallel.bpmn", "Parallel", Scenario("all branches")),
    (TESTS / "interpreter/terminate_root.bpmn", "TerminateRoot", Scenario("fast kills")),
    *(
        (TESTS / "interpreter/subprocess_terminate.bpmn", "SubTerminate", scenario)
        for scenario in (
            Scenario("fraud terminates the sub-process", {}, {"Auto_Check": {"fraud": True}}),
            Scenario("no fraud", {}, {"Auto_Check": {"fraud": False}}),
        )
    ),
    (
        TESTS / "services/service_then_user.bpmn",
        "service_then_user",
        Scenario("echo", {"initiator": "ann"}),
    ),
    (TESTS / "services/user_task.bpmn", "user_task", Scenario("approve", {"reviewer": "bob"})),
    (TESTS / "services/external_topic.bpmn", "external_topic", Scenario("ship")),
    (TESTS / "services/bindings.bpmn", "bindings", Scenario("three bindings")),
    (TESTS / "services/condition_error.bpmn", "condition_error", Scenario("small", {"amount": 5})),
    (
        TESTS / "services/condition_error.bpmn",
        "condition_error",
        Scenario("large", {"amount": 5000}),
    ),
]


def _collapse_repeats(element_id: str) -> Callable[[Steps], Steps]:
    def collapse(steps: Steps) -> Steps:
        return [
            [e for i, e in enumerate(step) if e != element_id or element_id not in step[:i]]
            for step in steps
        ]

    return collapse


JOIN_ONCE = (
    "Spiff follows the specification: a converging parallel gateway activates once, when a "
    "token has arrived on every incoming flow (BPMN 2.0 section 13.3.4), so it completes once. "
    "Baton records element_completed for every merged token, so its path lists the join once "
    "per incoming branch; the paths agree once those repeats are collapsed."
)
DISAGREEMENTS: dict[str, tuple[str, Callable[[Steps], Steps]]] = {
    "Parallel": (JOIN_ONCE, _collapse_repeats("Join")),
    "purchase_request": (JOIN_ONCE, _collapse_repeats("Gateway_Join")),
}
"""Process id -> which engine follows the specification, and how Baton's path is read."""


def _same(baton: Steps, spiff: Steps) -> bool:
    return len(baton) == len(spiff) and all(
        b == s or Counter(b) == Counter(s) for b, s in zip(baton, spiff, strict=True)
    )


@pytest.mark.parametrize(
    ("path", "process_id", "scenario"),
    SCENARIOS,
    ids=[f"{path.stem}:{scenario.name}" for path, _, scenario in SCENARIOS],
)
def test_baton_and_spiff_take_the_same_path(
    path: Path, process_id: str, scenario: Scenario
) -> None:
    data = path.read_bytes()
    baton, spiff = run_baton(data, process_id, scenario), run_spiff(data, process_id, scenario)
    why, normalise = DISAGREEMENTS.get(process_id, ("", lambda steps: steps))
    assert _same(normalise(baton), spiff), f"paths differ {why}\n  Baton: {baton}\n  Spiff: {spiff}"


def test_the_documented_disagreement_still_exists() -> None:
    """If Baton's history stops repeating the join, JOIN_ONCE and its normalisers go."""
    path = TESTS / "interpreter/parallel.bpmn"
    baton = run_baton(path.read_bytes(), "Parallel", Scenario("all branches"))
    assert sum(step.count("Join") for step in baton) == 3, JOIN_ONCE


def test_spiff_is_only_an_oracle() -> None:
    """The engine must never depend on SpiffWorkflow (LGPL, and only a test oracle). The one
    exception is the benchmark package, which runs Spiff beside Baton as its baseline and
    loads it lazily, only when that comparison runs."""
    benchmarks = ROOT / "bpmn_engine" / "benchmarks"
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "bpmn_engine").rglob("*.py")
        if benchmarks not in path.parents
        and (
            IMPORTS_SPIFF.search(path.read_text())
            or 'import_module("SpiffWorkflow' in path.read_text()
        )
    ]
    assert offenders == []
