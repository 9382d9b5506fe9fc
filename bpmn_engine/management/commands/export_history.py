"""``manage.py export_history <instance_id> --format csv|json``: an instance's audit
trail on standard output (or ``--output FILE``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bpmn_engine.models import ProcessInstance
from bpmn_engine.observability.history import FORMATS, history_export


class Command(BaseCommand):
    help = "Export the history of one process instance as CSV or JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("instance_id", type=int)
        parser.add_argument("--format", choices=FORMATS, default="json", dest="fmt")
        parser.add_argument("--output", type=Path, help="write here instead of stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        instance = (
            ProcessInstance.objects.select_related("definition")
            .filter(pk=options["instance_id"])
            .first()
        )
        if instance is None:
            raise CommandError(f"Process instance {options['instance_id']} does not exist")
        text = history_export(instance=instance, fmt=options["fmt"])
        if options["output"]:
            options["output"].write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
