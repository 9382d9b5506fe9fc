"""Interpreter events per second in memory (no database), beside SpiffWorkflow.

Two diagrams: the demo approval (``diagrams/purchase_request.bpmn``: user tasks driven,
external service tasks completed in memory) and a 200-iteration review loop
(``benchmarks/loop.bpmn``). An *event* is one wait-state transition: the start, or one
``complete`` of a waiting user or service task, with every element it runs through.

Baton and Spiff run alternately in the same process, in ``ROUNDS`` short rounds each,
and time is the process's CPU time: on a shared machine another process taking the CPU
for a moment then slows neither engine's figure, and a slow patch hits both engines of
the same round. The ratio reported is the median of the rounds' ratios, with their range.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

from bpmn_engine.interpreter.engine import Interpreter
from bpmn_engine.interpreter.state import TokenState
from bpmn_engine.interpreter.step_observers import StepObserver
from bpmn_engine.parser import parse_bpmn

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SCENARIOS: dict[str, tuple[Path, str, dict[str, Any]]] = {
    "approval": (ROOT / "diagrams" / "purchase_request.bpmn", "purchase_request", {"amount": 100}),
    "loop200": (HERE / "loop.bpmn", "bench_loop", {"iteration": 0, "rounds": 200}),
}
ROUNDS = 5
"""Alternating Baton/Spiff rounds per scenario (one round when ``seconds`` < 1)."""


def baton_run(
    path: Path,
    variables: dict[str, Any],
    *,
    seconds: float,
    observer: StepObserver | None = None,
) -> dict[str, Any]:
    """Start instances and complete the first waiting token until each ends.

    The interpreter alone by default; ``observer`` adds a step observer (the runtime's
    is the per-element histogram, ``observability/element_steps.py``)."""
    model = parse_bpmn(path.read_bytes(), filename=path.name).definitions.processes[0]
    interpreter = Interpreter(model, observer=observer)
    waiting = TokenState.WAITING
    events = instances = 0
    started = time.process_time()
    deadline = started + seconds
    while time.process_time() < deadline:
        state, _ = interpreter.start(variables=dict(variables), initiator="bench")
        events += 1
        while state.tokens:
            token_id = next(t.id for t in state.tokens.values() if t.state is waiting)
            interpreter.complete(state, token_id=token_id, variables={"approved": True})
            events += 1
        instances += 1
    elapsed = time.process_time() - started
    return {"instances": instances, "events": events, "events_per_second": events / elapsed}


def memory_benchmark(*, seconds: float = 3.0, spiff: bool = True) -> dict[str, Any]:
    """Baton (and Spiff unless ``spiff`` is False) on each scenario for ``seconds`` each,
    split into alternating rounds (see the module docstring)."""
    results: dict[str, Any] = {}
    rounds = ROUNDS if seconds >= 1 else 1
    observed = _histogram_observer()
    for name, (path, process_id, variables) in SCENARIOS.items():
        batons: list[dict[str, Any]] = []
        others: list[dict[str, Any]] = []
        for _ in range(rounds):
            batons.append(baton_run(path, variables, seconds=seconds / rounds))
            if spiff:
                from bpmn_engine.benchmarks.spiff_oracle import spiff_run

                others.append(
                    spiff_run(path.read_text(), process_id, variables, seconds=seconds / rounds)
                )
        results[f"{name}_baton_events_per_second"] = round(_median_rate(batons))
        if observed is not None:  # the runtime's per-element histogram on every step
            with_histogram = baton_run(path, variables, seconds=seconds / rounds, observer=observed)
            results[f"{name}_baton_with_histogram_events_per_second"] = round(
                with_histogram["events_per_second"]
            )
        results[f"{name}_events_per_instance"] = _per_instance(batons)
        if spiff:
            results[f"{name}_spiff_events_per_second"] = round(_median_rate(others))
            results[f"{name}_spiff_events_per_instance"] = _per_instance(others)
            ratios = [
                b["events_per_second"] / o["events_per_second"]
                for b, o in zip(batons, others, strict=True)
            ]
            results[f"{name}_ratio_to_spiff"] = round(statistics.median(ratios), 1)
            results[f"{name}_ratio_range"] = f"{min(ratios):.1f}-{max(ratios):.1f}"
    return results


def _median_rate(runs: list[dict[str, Any]]) -> float:
    return statistics.median(float(run["events_per_second"]) for run in runs)


def _per_instance(runs: list[dict[str, Any]]) -> int:
    events = sum(int(run["events"]) for run in runs)
    return events // max(sum(int(run["instances"]) for run in runs), 1)


def _histogram_observer() -> StepObserver | None:
    """The per-element step histogram, when prometheus-client is there (it always is in
    the project's environment; the interpreter itself does not need it)."""
    try:
        from bpmn_engine.observability.element_steps import observe_element_step
    except ImportError:  # pragma: no cover - depends on the environment
        return None
    return observe_element_step
