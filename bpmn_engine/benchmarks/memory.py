"""Interpreter events per second in memory (no database), on the benchmark diagrams."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bpmn_engine.interpreter.bench import run_in_memory_benchmark
from bpmn_engine.parser import parse_bpmn

HERE = Path(__file__).resolve().parent


def memory_benchmark(*, seconds: float = 3.0) -> dict[str, Any]:
    data = (HERE / "approval_chain.bpmn").read_bytes()
    model = parse_bpmn(data, filename="approval_chain.bpmn").definitions.processes[0]
    return dict(run_in_memory_benchmark(model, seconds=seconds))
