"""Smoke tests: each benchmark section runs on tiny sizes and reports its figures.

No timing is asserted (the machine is shared); the checks are on what the figures
describe: the same number of events per instance in Baton and SpiffWorkflow, a stored
state that does not grow with the loop, and an inbox that sees one task in ten.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bpmn_engine.benchmarks.growth import growth_benchmark
from bpmn_engine.benchmarks.inbox import inbox_benchmark
from bpmn_engine.benchmarks.memory import memory_benchmark


def test_memory_section_drives_the_same_path_in_baton_and_spiff() -> None:
    """Start + check budget + manager + two parallel service tasks = 5 events; the loop
    is a start and 200 reviews; Spiff's copy of each diagram takes the same path."""
    figures = memory_benchmark(seconds=0.05)
    assert figures["approval_events_per_instance"] == 5
    assert figures["approval_spiff_events_per_instance"] == 5
    assert figures["loop200_events_per_instance"] == 201
    assert figures["loop200_spiff_events_per_instance"] == 201
    assert figures["approval_ratio_to_spiff"] > 0


def test_bench_command_prints_a_table_and_writes_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "bench.json"
    call_command("bench", only="memory", seconds=0.02, no_spiff=True, json=out)
    printed = capsys.readouterr().out
    assert "memory.approval_baton_events_per_second" in printed
    assert set(json.loads(out.read_text())) == {"memory"}


def test_bench_command_rejects_an_unknown_section() -> None:
    with pytest.raises(CommandError, match=r"Unknown section\(s\) \['speed'\]"):
        call_command("bench", only="memory,speed")


@pytest.mark.django_db
def test_growth_section_keeps_the_stored_state_equal_as_the_loop_grows() -> None:
    figures = growth_benchmark(instances=1, early=2, late=8, window=2)
    assert figures["state_equal"] is True
    assert figures["state_at_8"]["open_tasks"] == 1
    assert figures["step_ms_at_8"] > 0


@pytest.mark.django_db
def test_inbox_section_generates_data_and_shows_the_plans() -> None:
    figures = inbox_benchmark(tasks=200, queries=3)
    assert figures["open_tasks"] == 200
    assert figures["visible_to_user"] == 20
    assert figures["page_p95_ms"] > 0
    assert figures["count_p95_ms"] > 0
    assert figures["html_page_p95_ms"] > 0
    assert "Execution Time" in figures["plan (page query)"]
    assert "Execution Time" in figures["plan (count)"]
