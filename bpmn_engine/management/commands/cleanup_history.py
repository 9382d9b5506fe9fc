"""``manage.py cleanup_history``: delete ended instances past their process's history
time to live now (the ``cleanup-history`` beat entry does the same periodically)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bpmn_engine.observability.retention import history_cleanup


class Command(BaseCommand):
    help = "Delete ended process instances (and their history) older than their time to live."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = history_cleanup(batch_size=options["batch_size"])
        for key, count in sorted(deleted.items()):
            self.stdout.write(f"{key}: deleted {count} ended instance(s)")
        self.stdout.write(f"Deleted {sum(deleted.values())} instance(s) in all.")
