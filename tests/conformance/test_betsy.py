"""Betsy's execution conformance suite, one test per case, with betsy's pass rule.

A case passes when its sorted trace equals the sorted expected trace (betsy's oracle) and,
stricter than betsy, its script markers ran in an order the model allows (the manifest's
``order``). Cases in ``known_failures.json`` are strict xfails: visible in every run, and a
case that starts passing fails the run until ``update_known_failures.py`` drops it.
Cases in ``spec_overrides.json`` assert the specification's behaviour instead of betsy's,
each with its reason (listed in docs/conformance.md).

Every case runs in its own rolled-back transaction, so it starts from an empty database:
several files define the same ``CalledProcess``, ``ParallelProcess`` or signal names.
"""

from __future__ import annotations

from typing import Any

import pytest

import tests.handlers  # noqa: F401  (the betsy- handlers the adapted models bind to)
from bpmn_engine.conf import engine_setting

from .corpus import MANIFEST, MISSING, betsy_cases, known_failures, spec_overrides
from .order import order_holds
from .runner import Outcome, instance_states, run_case

CASES = betsy_cases()
KNOWN = known_failures()
OVERRIDES = spec_overrides()
HARNESS_MARKERS = {
    "MARKER_exists",
    "DATA_correct",
    "EXECUTION_parallel",
    "ERROR",
    "ERROR_deployment",
    "ERROR_runtime",
    "ERROR_thrownErrorEvent",
    "ERROR_thrownEscalationEvent",
    "ERROR_processAborted",
}


def _param(case: dict[str, Any]) -> Any:
    reason = KNOWN.get(case["id"])
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(case, id=case["id"], marks=marks)


def expectation(case: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
    """The expected trace and order: betsy's, or the specification's where they differ."""
    override = OVERRIDES.get(case["id"])
    if override is not None:
        return override["expected_trace"], override["order"]
    return case["expected_trace"], case["order"]


def test_the_betsy_corpus_is_present() -> None:
    """Without the manifest nothing would be collected: fail loudly, naming the place."""
    assert CASES, MISSING.format(path=MANIFEST)


def test_known_failures_and_overrides_name_real_cases() -> None:
    """A stale id would silently stop being checked."""
    ids = {case["id"] for case in CASES}
    betsy_known = [i for i in KNOWN if not i.startswith("miwg/")]
    assert sorted(i for i in [*betsy_known, *OVERRIDES] if i not in ids) == []


def test_the_clock_is_controllable() -> None:
    """Betsy's delays (timers) become clock.advance: without it timer cases cannot run."""
    assert engine_setting("CONTROLLABLE_CLOCK"), "run with BATON_CONTROLLABLE_CLOCK=1"


def needs_workers(case: dict[str, Any]) -> bool:
    """EXECUTION_parallel asks for a real wall-clock overlap of two branches, so only
    separate worker processes can pass it (issue 3 names this one exception to the clock)."""
    return "EXECUTION_parallel" in case["expected_trace"]


@pytest.mark.django_db
@pytest.mark.parametrize("case", [_param(case) for case in CASES if not needs_workers(case)])
def test_betsy_case(case: dict[str, Any]) -> None:
    check(case, run_case(case))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("case", [_param(case) for case in CASES if needs_workers(case)])
def test_betsy_case_on_real_workers(case: dict[str, Any], celery_worker_process: Any) -> None:
    """Committed data, jobs dispatched to a real two-process Celery worker."""
    check(case, run_case(case, by_workers=True))


def check(case: dict[str, Any], outcome: Outcome) -> None:
    expected, order = expectation(case)
    message = f"{case['id']}: {case['description']}\n  {outcome.describe()}\n  {instance_states()}"
    assert sorted(outcome.trace) == sorted(expected), f"trace differs from {expected}\n{message}"
    scripts = [marker for marker in outcome.script_markers if marker not in HARNESS_MARKERS]
    assert order_holds(order, scripts), f"markers ran out of the model's order\n{message}"
