"""``manage.py bench``: the benchmark of ``docs/performance.md``, one section or all.

Sections (``--only memory,db,growth,celery,inbox,timers,rss``): the interpreter in memory
beside SpiffWorkflow; committed events/s on the database beside a raw baseline; step time
and stored state as a loop grows; approvals/s through Celery workers; inbox query
latency; drain time of timers that fall due together; a worker's RSS over many instances.
Everything that touches the database runs on a throw-away test database (created and
dropped by Django's test machinery) of the configured server, never on real data. Prints
a table and writes JSON; every ratio is measured within the one run.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test.utils import setup_databases, teardown_databases

SECTIONS = ("memory", "db", "growth", "celery", "inbox", "timers", "rss")
DATABASE_SECTIONS = frozenset(SECTIONS) - {"memory"}


class Command(BaseCommand):
    help = "Benchmark Baton: memory, db, growth, celery, inbox, timers, rss (see --only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--only", default=",".join(SECTIONS), help="Comma-separated")
        parser.add_argument("--seconds", type=float, default=3.0, help="Per memory run")
        parser.add_argument("--no-spiff", action="store_true", help="Skip SpiffWorkflow")
        parser.add_argument("--events", type=int, default=3000, help="db: committed events")
        parser.add_argument("--growth-instances", type=int, default=5)
        parser.add_argument("--growth-late", type=int, default=200)
        parser.add_argument("--celery-instances", type=int, default=200)
        parser.add_argument("--celery-workers", default="1,2", help="Worker counts to run")
        parser.add_argument("--inbox-tasks", type=int, default=100_000)
        parser.add_argument("--inbox-queries", type=int, default=200)
        parser.add_argument("--timers", type=int, default=10_000, help="timers: due at once")
        parser.add_argument("--timer-workers", type=int, default=2, help="timers: processes")
        parser.add_argument("--rss-instances", type=int, default=10_000)
        parser.add_argument("--rss-rounds", type=int, default=50, help="rss: samples")
        parser.add_argument("--json", type=Path, default=Path("var/bench.json"))

    def handle(self, *args: Any, **options: Any) -> None:
        only = [s.strip() for s in options["only"].split(",") if s.strip()]
        unknown = sorted(set(only) - set(SECTIONS))
        if unknown:
            raise CommandError(f"Unknown section(s) {unknown}; choose from {list(SECTIONS)}")
        results: dict[str, Any] = {}
        if "memory" in only:
            from bpmn_engine.benchmarks.memory import memory_benchmark

            results["memory"] = memory_benchmark(
                seconds=options["seconds"], spiff=not options["no_spiff"]
            )
        wanted = [s for s in SECTIONS if s in only and s in DATABASE_SECTIONS]
        if wanted:
            old = setup_databases(verbosity=0, interactive=False)
            try:
                for section in wanted:
                    results[section] = self._runner(section, options)()
            finally:
                teardown_databases(old, verbosity=0)
        self._print(results)
        options["json"].parent.mkdir(parents=True, exist_ok=True)
        options["json"].write_text(json.dumps(results, indent=2, default=str))
        self.stdout.write(f"JSON written to {options['json']}")

    def _runner(self, section: str, options: dict[str, Any]) -> Callable[[], dict[str, Any]]:
        """The section's benchmark, imported only when selected."""
        if section == "db":
            from bpmn_engine.benchmarks.database import database_benchmark

            return lambda: database_benchmark(events=options["events"])
        if section == "growth":
            from bpmn_engine.benchmarks.growth import growth_benchmark

            return lambda: growth_benchmark(
                instances=options["growth_instances"], late=options["growth_late"]
            )
        if section == "celery":
            from bpmn_engine.benchmarks.celery_throughput import celery_benchmark

            workers = [int(n) for n in options["celery_workers"].split(",")]
            return lambda: celery_benchmark(instances=options["celery_instances"], workers=workers)
        if section == "timers":
            from bpmn_engine.benchmarks.timers import timers_benchmark

            return lambda: timers_benchmark(
                timers=options["timers"], workers=options["timer_workers"]
            )
        if section == "rss":
            from bpmn_engine.benchmarks.rss import rss_benchmark

            return lambda: rss_benchmark(
                instances=options["rss_instances"], rounds=options["rss_rounds"]
            )
        from bpmn_engine.benchmarks.inbox import inbox_benchmark

        return lambda: inbox_benchmark(
            tasks=options["inbox_tasks"], queries=options["inbox_queries"]
        )

    def _print(self, results: dict[str, Any]) -> None:
        rows = [("measure", "value")]
        plans: list[tuple[str, str]] = []
        for section, figures in results.items():
            for name, value in figures.items():
                if name.startswith("plan"):
                    plans.append((f"{section}.{name}", str(value)))
                else:
                    rows.append((f"{section}.{name}", str(value)))
        width = max(len(r[0]) for r in rows)
        for name, value in rows:
            self.stdout.write(f"{name:<{width}}  {value}")
        for name, plan in plans:
            self.stdout.write(f"\n{name}:\n{plan}")
