"""``manage.py deploy diagrams/x.bpmn [rules.dmn ...] [...]``: deploy files from disk.

DMN files are deployed in the same deployment as the BPMN file listed right before them,
so ``deploy order.bpmn discount.dmn invoice.bpmn`` deploys ``discount.dmn`` with
``order.bpmn``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bpmn_engine.services.deploy import DeployError, definition_deploy


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc


def _group(paths: list[Path]) -> list[tuple[Path, list[Path]]]:
    """Each BPMN path with the DMN paths that follow it."""
    groups: list[tuple[Path, list[Path]]] = []
    for path in paths:
        if path.suffix.lower() == ".dmn":
            if not groups:
                raise CommandError(f"{path}: a DMN file must follow the BPMN file it goes with")
            groups[-1][1].append(path)
        else:
            groups.append((path, []))
    return groups


class Command(BaseCommand):
    help = (
        "Deploy one or more BPMN 2.0 files, each with the DMN files listed right after it. "
        "Identical content makes no new version."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        failed = False
        for path, dmn_paths in _group(options["paths"]):
            data = _read(path)
            extra = [(dmn.name, _read(dmn)) for dmn in dmn_paths]
            try:
                result = definition_deploy(data=data, filename=path.name, extra_files=extra)
            except DeployError as exc:
                failed = True
                self.stderr.write(self.style.ERROR(f"{path}: refused"))
                self.stderr.write(str(exc))
                continue
            for warning in result.warnings:
                self.stdout.write(self.style.WARNING(f"{path}: warning: {warning}"))
            verb = "deployed" if result.created else "unchanged"
            versions = [f"{d.key} v{d.version}" for d in result.definitions]
            versions += [f"decision {d.key} v{d.version}" for d in result.decisions]
            self.stdout.write(self.style.SUCCESS(f"{path}: {verb} ({', '.join(versions)})"))
        if failed:
            raise CommandError("Some files were refused; nothing of them was stored.")
