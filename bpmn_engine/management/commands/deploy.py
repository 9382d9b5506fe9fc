"""``manage.py deploy diagrams/x.bpmn [...]``: deploy BPMN files from disk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bpmn_engine.services.deploy import DeployError, definition_deploy


class Command(BaseCommand):
    help = "Deploy one or more BPMN 2.0 files. Identical content makes no new version."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        failed = False
        for path in options["paths"]:
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
            try:
                result = definition_deploy(data=data, filename=path.name)
            except DeployError as exc:
                failed = True
                self.stderr.write(self.style.ERROR(f"{path}: refused"))
                self.stderr.write(str(exc))
                continue
            for warning in result.warnings:
                self.stdout.write(self.style.WARNING(f"{path}: warning: {warning}"))
            verb = "deployed" if result.created else "unchanged"
            versions = ", ".join(f"{d.key} v{d.version}" for d in result.definitions)
            self.stdout.write(self.style.SUCCESS(f"{path}: {verb} ({versions})"))
        if failed:
            raise CommandError("Some files were refused; nothing of them was stored.")
