"""Loading the event test diagrams (tests/diagrams/events) through the real parser."""

from __future__ import annotations

from pathlib import Path

from bpmn_engine.model import ProcessModel
from bpmn_engine.parser import parse_bpmn

DIAGRAMS = Path(__file__).resolve().parents[3] / "diagrams" / "events"


def model(name: str, process_id: str | None = None) -> ProcessModel:
    path = DIAGRAMS / f"{name}.bpmn"
    processes = parse_bpmn(path.read_bytes(), filename=path.name).definitions.processes
    if process_id is None:
        return processes[0]
    return next(p for p in processes if p.id == process_id)
