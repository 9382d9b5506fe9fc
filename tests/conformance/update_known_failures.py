"""Re-run the conformance suite and rewrite ``known_failures.json`` and ``docs/conformance.md``.

Run it after landing a feature (same environment as the tests: DATABASE_URL,
BATON_CONTROLLABLE_CLOCK=1, BATON_HANDLER_MODULES=tests.handlers ...)::

    .venv/bin/python -m tests.conformance.update_known_failures

Every case runs plainly (known failures ignored); whatever fails is written back with a
reason taken from its failure message, whatever passes leaves the list. Review the diff:
a case that newly fails is a regression to fix, not to list.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from lxml import etree

from tests.conformance.corpus import (
    IGNORE_KNOWN,
    KNOWN_FAILURES,
    ROOT,
    betsy_cases,
    miwg_models,
)
from tests.conformance.report import write_report

_CASE = re.compile(r"\[(.+)\]$")
_LOCATION = re.compile(r"line \d+, element '[^']*': ")


def run_suite() -> dict[str, str]:
    """Case id -> failure message, for every betsy case and MIWG model that fails."""
    with tempfile.TemporaryDirectory() as tmp:
        junit = Path(tmp) / "junit.xml"
        env = dict(os.environ, **{IGNORE_KNOWN: "1"})
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        command += [f"--junitxml={junit}", "tests/conformance/test_betsy.py"]
        command += ["tests/conformance/test_miwg.py"]
        subprocess.run(command, cwd=ROOT, env=env, check=False, stdout=subprocess.DEVNULL)
        if not junit.exists():
            raise SystemExit("pytest wrote no report: run it by hand to see why")
        return _failures(etree.parse(str(junit), etree.XMLParser(resolve_entities=False)))


def _failures(tree: etree._ElementTree) -> dict[str, str]:
    failed: dict[str, str] = {}
    for testcase in tree.iter("testcase"):
        match = _CASE.search(str(testcase.get("name", "")))
        problem = testcase.find("failure")
        if problem is None:
            problem = testcase.find("error")
        if match and problem is not None:
            message = str(problem.get("message", ""))
            failed[match.group(1)] = reason_from(problem.text or "", message)
    return failed


def reason_from(text: str, message: str) -> str:
    """The most telling line of a failure: a deploy refusal, an incident, or the trace."""
    lines = [line.strip().removeprefix("E").strip() for line in text.splitlines()]
    for prefix in ("deploy:", "incident at", "start ", "Failed:", "AssertionError: trace"):
        found = [line for line in lines if line.startswith(prefix)]
        if found:
            reason = _LOCATION.sub("", found[0])
            if prefix == "AssertionError: trace":
                trace = next((line for line in lines if line.startswith("trace:")), "")
                reason = f"{reason} ({trace})" if trace else reason
            return reason[:300]
    return (message.splitlines() or ["failed"])[0][:300]


def main() -> None:
    failures = run_suite()
    ordered = [case["id"] for case in betsy_cases()] + [f"miwg/{p.name}" for p in miwg_models()]
    known = {case: failures[case] for case in ordered if case in failures}
    KNOWN_FAILURES.write_text(json.dumps(known, indent=2) + "\n")
    write_report(known)
    print(f"{len(known)} known failures of {len(ordered)} cases; docs/conformance.md rewritten")


if __name__ == "__main__":
    main()
