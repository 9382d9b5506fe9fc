"""The in-memory benchmark runs and counts wait-state transitions."""

from __future__ import annotations

from bpmn_engine.interpreter.bench import approval_model, run_in_memory_benchmark


def test_benchmark_counts_one_start_and_one_complete_per_user_task() -> None:
    result = run_in_memory_benchmark(approval_model(3), seconds=0.05)
    assert set(result) == {"events", "seconds", "events_per_second"}
    assert result["events"] > 0
    assert result["events"] % 4 == 0, "each instance is one start and three completes"
    assert result["events_per_second"] > 0
