"""Where the conformance corpora are, and the committed list of known failures.

The corpora are read in place from ``$BATON_CONFORMANCE_DIR`` (default
``<repo>/../shared/conformance``) and never copied into the repository.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CONFORMANCE = Path(os.environ.get("BATON_CONFORMANCE_DIR", ROOT.parent / "shared" / "conformance"))
BETSY = CONFORMANCE / "betsy"
MANIFEST = BETSY / "betsy_manifest.json"
MIWG = CONFORMANCE / "miwg" / "reference"
HERE = Path(__file__).resolve().parent
KNOWN_FAILURES = HERE / "known_failures.json"
SPEC_OVERRIDES = HERE / "spec_overrides.json"
IGNORE_KNOWN = "BATON_CONFORMANCE_IGNORE_KNOWN"
"""Set by update_known_failures.py: run every case plainly to see what fails today."""

MISSING = (
    "No conformance corpus at {path}: put shared/conformance beside the repository or set "
    "BATON_CONFORMANCE_DIR to its location"
)


def betsy_cases() -> list[dict[str, Any]]:
    """Every case of the manifest; empty when the corpus is missing (a test fails then)."""
    if not MANIFEST.is_file():
        return []
    cases: list[dict[str, Any]] = json.loads(MANIFEST.read_text())["tests"]
    return cases


def miwg_models() -> list[Path]:
    return sorted(MIWG.glob("*.bpmn")) if MIWG.is_dir() else []


def known_failures() -> dict[str, str]:
    """Case id -> why it fails today. Listed cases are strict xfails: fixed ones must leave."""
    if os.environ.get(IGNORE_KNOWN) or not KNOWN_FAILURES.is_file():
        return {}
    data: dict[str, str] = json.loads(KNOWN_FAILURES.read_text())
    return data


def spec_overrides() -> dict[str, dict[str, Any]]:
    """Cases where betsy's expectation is unsatisfiable or contradicts the model or the
    specification: the spec's ``expected_trace`` and ``order`` replace betsy's, with a reason."""
    data: dict[str, dict[str, Any]] = json.loads(SPEC_OVERRIDES.read_text())
    return data
