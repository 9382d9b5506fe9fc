"""Every MIWG reference file and every betsy model parses, or fails only as unsupported.

The corpora live outside the repository (``../shared/conformance`` from the project root,
or ``$BATON_CONFORMANCE_DIR``) and are read in place, never copied. Betsy's script tasks
hold placeholder tokens (``SCRIPT_task1``) that betsy swaps for engine-specific code
before deploying; the engine must refuse them as scripts, so this test adapts them the
way a betsy harness does - each token becomes an assignment - and checks that raw models
fail only on those placeholders.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from bpmn_engine.parser import BpmnParseError, DeployIssue, parse_bpmn

ROOT = Path(__file__).resolve().parents[3]
CONFORMANCE = Path(os.environ.get("BATON_CONFORMANCE_DIR", ROOT.parent / "shared" / "conformance"))
MIWG = sorted((CONFORMANCE / "miwg" / "reference").glob("*.bpmn"))
BETSY = sorted((CONFORMANCE / "betsy").rglob("*.bpmn"))
_PLACEHOLDER = re.compile(rb"(<(?:\w+:)?script>)\s*([A-Z][A-Z0-9_a-z]*)\s*(</(?:\w+:)?script>)")


def test_the_conformance_corpus_is_present() -> None:
    """Without the corpus the parametrised tests below would collect nothing: fail loudly
    instead, naming where it was looked for and how to point elsewhere."""
    assert MIWG and BETSY, (
        f"No conformance corpus at {CONFORMANCE}: put shared/conformance beside the "
        "repository or set BATON_CONFORMANCE_DIR"
    )


EXPECTED_DEPLOY_ERRORS = {
    "betsy/bpmn/errors/LoopTask_NegativeLoopMaximum.bpmn": "loopMaximum must not be negative",
    "betsy/bpmn/errors/MultiInstanceTask_NegativeLoopCardinality.bpmn": (
        "loopCardinality must not be negative"
    ),
    "betsy/bpmn/errors/Token_StartQuantity_Zero.bpmn": "startQuantity must be a whole number",
    "betsy/bpmn/errors/Token_CompletionQuantity_Zero.bpmn": (
        "completionQuantity must be a whole number"
    ),
    # events2: its condition is `test.contains("a")>` (see spec_overrides.json)
    "betsy/bpmn/events/Conditional_StartEvent_EventSubProcess_NonInterrupting.bpmn": (
        "condition of 'StartEvent_2' does not compile"
    ),
}
"""Betsy models whose point is to be refused: the deploy error each one must get."""


def _unexpected(data: bytes, name: str) -> list[DeployIssue]:
    """Errors other than "not supported yet"; any other exception fails the test."""
    expected = EXPECTED_DEPLOY_ERRORS.get(name)
    try:
        parse_bpmn(data, filename=name)
    except BpmnParseError as error:
        assert error.issues, "a BpmnParseError must carry at least one issue"
        return [
            i
            for i in error.issues
            if "is not supported yet" not in i.message
            and (expected is None or expected not in i.message)
        ]
    assert expected is None, f"{name} must be refused at deploy: {expected}"
    return []


def adapt_betsy(data: bytes) -> bytes:
    """What a betsy harness does before deploying: give each placeholder a real script."""
    return _PLACEHOLDER.sub(rb'\1marker = "\2"\3', data)


def _id(path: Path) -> str:
    return str(path.relative_to(CONFORMANCE))


@pytest.mark.parametrize("path", MIWG + BETSY, ids=_id)
def test_conformance_model_parses_or_is_only_unsupported(path: Path) -> None:
    data = path.read_bytes()
    if path in BETSY:
        data = adapt_betsy(data)
    unexpected = _unexpected(data, _id(path))
    assert unexpected == []


@pytest.mark.parametrize("path", BETSY, ids=_id)
def test_raw_betsy_model_fails_only_on_placeholder_scripts(path: Path) -> None:
    unexpected = _unexpected(path.read_bytes(), _id(path))
    assert all(
        issue.message.startswith("script of ") and "does not compile: expected '='" in issue.message
        for issue in unexpected
    ), unexpected
