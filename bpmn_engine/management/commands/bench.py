"""``manage.py bench``: print the interpreter's and the database's events per second.

Runs on a throw-away test database (created and dropped by Django's test machinery) of
the configured server, so it never touches real data. Prints a table and writes JSON.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.test.utils import setup_databases, teardown_databases


class Command(BaseCommand):
    help = "Benchmark the interpreter in memory and committed events/s on the database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seconds", type=float, default=3.0, help="In-memory run time")
        parser.add_argument("--events", type=int, default=3000, help="Committed events")
        parser.add_argument("--json", type=Path, default=Path("var/bench.json"))

    def handle(self, *args: Any, **options: Any) -> None:
        from bpmn_engine.benchmarks.database import database_benchmark
        from bpmn_engine.benchmarks.memory import memory_benchmark

        results: dict[str, Any] = {"memory": memory_benchmark(seconds=options["seconds"])}
        old = setup_databases(verbosity=0, interactive=False)
        try:
            results["database"] = database_benchmark(events=options["events"])
        finally:
            teardown_databases(old, verbosity=0)
        self._print(results)
        options["json"].parent.mkdir(parents=True, exist_ok=True)
        options["json"].write_text(json.dumps(results, indent=2))
        self.stdout.write(f"JSON written to {options['json']}")

    def _print(self, results: dict[str, Any]) -> None:
        rows = [("measure", "value")]
        for section, figures in results.items():
            for name, value in figures.items():
                rows.append((f"{section}.{name}", str(value)))
        width = max(len(r[0]) for r in rows)
        for name, value in rows:
            self.stdout.write(f"{name:<{width}}  {value}")
