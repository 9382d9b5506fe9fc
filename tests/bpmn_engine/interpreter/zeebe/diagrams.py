"""Loading the Zeebe test diagrams (tests/diagrams/zeebe) through the real parser."""

from __future__ import annotations

from pathlib import Path

from bpmn_engine.model import ProcessModel
from bpmn_engine.parser import ParseResult, parse_bpmn

DIAGRAMS = Path(__file__).resolve().parents[3] / "diagrams" / "zeebe"


def parse(name: str) -> ParseResult:
    path = DIAGRAMS / f"{name}.bpmn"
    return parse_bpmn(path.read_bytes(), filename=path.name)


def model(name: str) -> ProcessModel:
    return parse(name).definitions.processes[0]
