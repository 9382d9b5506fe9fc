"""Interpreter events per second in memory (no database), beside SpiffWorkflow.

Two diagrams: the demo approval (``diagrams/purchase_request.bpmn``: user tasks driven,
external service tasks completed in memory) and a 200-iteration review loop
(``benchmarks/loop.bpmn``). An *event* is one wait-state transition: the start, or one
``complete`` of a waiting user or service task, with every element it runs through.
Baton and Spiff run alternately in the same process, so the ratio is from one run.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bpmn_engine.interpreter.engine import Interpreter
from bpmn_engine.interpreter.state import TokenState
from bpmn_engine.parser import parse_bpmn

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SCENARIOS: dict[str, tuple[Path, str, dict[str, Any]]] = {
    "approval": (ROOT / "diagrams" / "purchase_request.bpmn", "purchase_request", {"amount": 100}),
    "loop200": (HERE / "loop.bpmn", "bench_loop", {"iteration": 0, "rounds": 200}),
}


def baton_run(path: Path, variables: dict[str, Any], *, seconds: float) -> dict[str, Any]:
    """Start instances and complete the first waiting token until each ends."""
    model = parse_bpmn(path.read_bytes(), filename=path.name).definitions.processes[0]
    interpreter = Interpreter(model)
    waiting = TokenState.WAITING
    events = instances = 0
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        state, _ = interpreter.start(variables=dict(variables), initiator="bench")
        events += 1
        while state.tokens:
            token_id = next(t.id for t in state.tokens.values() if t.state is waiting)
            interpreter.complete(state, token_id=token_id, variables={"approved": True})
            events += 1
        instances += 1
    elapsed = time.perf_counter() - started
    return {"instances": instances, "events": events, "events_per_second": events / elapsed}


def memory_benchmark(*, seconds: float = 3.0, spiff: bool = True) -> dict[str, Any]:
    """Baton (and Spiff unless ``spiff`` is False) on each scenario for ``seconds`` each."""
    results: dict[str, Any] = {}
    for name, (path, process_id, variables) in SCENARIOS.items():
        baton = baton_run(path, variables, seconds=seconds)
        results[f"{name}_baton_events_per_second"] = round(baton["events_per_second"])
        results[f"{name}_events_per_instance"] = baton["events"] // max(baton["instances"], 1)
        if spiff:
            from bpmn_engine.benchmarks.spiff_oracle import spiff_run

            other = spiff_run(path.read_text(), process_id, variables, seconds=seconds)
            results[f"{name}_spiff_events_per_second"] = round(other["events_per_second"])
            results[f"{name}_spiff_events_per_instance"] = other["events"] // max(
                other["instances"], 1
            )
            results[f"{name}_ratio_to_spiff"] = round(
                baton["events_per_second"] / other["events_per_second"], 1
            )
    return results
