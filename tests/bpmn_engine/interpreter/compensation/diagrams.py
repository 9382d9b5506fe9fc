"""Loading the compensation, transaction and send test diagrams through the real parser."""

from __future__ import annotations

from pathlib import Path

from bpmn_engine.model import ProcessModel
from bpmn_engine.parser import ParseResult, parse_bpmn

DIAGRAMS = Path(__file__).resolve().parents[3] / "diagrams" / "compensation"


def parse(name: str) -> ParseResult:
    path = DIAGRAMS / f"{name}.bpmn"
    return parse_bpmn(path.read_bytes(), filename=path.name)


def model(name: str, process_id: str | None = None) -> ProcessModel:
    processes = parse(name).definitions.processes
    if process_id is None:
        return processes[0]
    return next(p for p in processes if p.id == process_id)
