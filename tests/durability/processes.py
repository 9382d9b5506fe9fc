"""Helpers that run Baton code in real, separate OS processes on the test database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, _test_database_url

SETUP = (
    "import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); "
    "django.setup(); "
)


def process_env(folder: Path | None = None, **extra: str) -> dict[str, str]:
    env = dict(os.environ, DATABASE_URL=_test_database_url(), **extra)
    if folder is not None:
        env["BATON_DURABILITY_DIR"] = str(folder)
    return env


def run_python(code: str, folder: Path | None = None, **extra: str) -> subprocess.Popen[bytes]:
    """Start ``python -c SETUP + code`` in the project root (a real, separate process)."""
    return subprocess.Popen(
        [sys.executable, "-c", SETUP + code],
        cwd=ROOT,
        env=process_env(folder, **extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def charge_folder(base: Path) -> Path:
    """The folder the ``durability-charge`` handler records its runs and charges in."""
    (base / "charges").mkdir(parents=True, exist_ok=True)
    (base / "runs").touch()
    return base


def runs(folder: Path) -> list[tuple[int, int, int]]:
    """(job id, attempt, pid) of every handler run, in order."""
    lines = (folder / "runs").read_text().split()
    return [tuple(map(int, lines[i : i + 3])) for i in range(0, len(lines), 3)]  # type: ignore[misc]
