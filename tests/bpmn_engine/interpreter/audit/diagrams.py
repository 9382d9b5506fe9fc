"""Loading the audit diagrams (tests/diagrams/audit) through the real parser."""

from __future__ import annotations

from pathlib import Path

from bpmn_engine.model import ProcessModel
from bpmn_engine.parser import BpmnParseError, ParseResult, parse_bpmn

DIAGRAMS = Path(__file__).resolve().parents[3] / "diagrams" / "audit"


def parse(name: str) -> ParseResult:
    path = DIAGRAMS / f"{name}.bpmn"
    return parse_bpmn(path.read_bytes(), filename=path.name)


def parse_error(name: str) -> BpmnParseError:
    try:
        parse(name)
    except BpmnParseError as error:
        return error
    raise AssertionError(f"{name}.bpmn deployed without errors")


def model(name: str, process_id: str | None = None) -> ProcessModel:
    processes = parse(name).definitions.processes
    if process_id is None:
        return processes[0]
    return next(p for p in processes if p.id == process_id)


def line_of(name: str, needle: str) -> int:
    """The 1-based line of the first occurrence of ``needle`` in the diagram."""
    for number, line in enumerate((DIAGRAMS / f"{name}.bpmn").read_text().splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} is not in {name}.bpmn")
