"""Loading the events3 test diagrams (tests/diagrams/events3) through the real parser."""

from __future__ import annotations

from pathlib import Path

from bpmn_engine.model import ProcessModel
from bpmn_engine.parser import parse_bpmn

DIAGRAMS = Path(__file__).resolve().parents[3] / "diagrams" / "events3"


def model(name: str) -> ProcessModel:
    path = DIAGRAMS / f"{name}.bpmn"
    return parse_bpmn(path.read_bytes(), filename=path.name).definitions.processes[0]
