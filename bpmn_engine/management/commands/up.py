"""``manage.py up``: run Baton with a Celery worker (and its beat) beside the web server.

Migrates, loads the demo users, deploys the shipped diagrams, starts the worker and the
web server as child processes, prints the URL and the demo logins, and stops both on
Ctrl-C. Works on the embedded defaults (SQLite, ``filesystem://`` broker) as well as on
PostgreSQL with Redis or RabbitMQ when ``DATABASE_URL``/``CELERY_BROKER_URL`` are set.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from config.celery import worker_command

DEMO_LOGINS = [
    ("alice", "alice-demo", "requester"),
    ("bob", "bob-demo", "manager"),
    ("carol", "carol-demo", "finance"),
    ("admin", "admin-demo", "administrator"),
]


class Command(BaseCommand):
    help = "Run Baton: web server, Celery worker with beat, demo users and diagrams."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("BATON_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("BATON_PORT", "8000")))
        parser.add_argument("--no-demo", action="store_true", help="Skip demo users and diagrams")

    def handle(self, *args: Any, **options: Any) -> None:
        base = Path(settings.BASE_DIR)
        call_command("migrate", interactive=False, verbosity=0)
        if not options["no_demo"]:
            call_command("loaddata", str(base / "fixtures" / "demo.json"), verbosity=0)
            diagrams = sorted(str(p) for p in (base / "diagrams").glob("*.bpmn"))
            if diagrams:
                call_command("deploy", *diagrams)
        children = [self._worker(base), self._web(options["host"], options["port"])]
        url = f"http://{options['host']}:{options['port']}/"
        try:
            self._wait_for(url, children)
            self._banner(url, options["no_demo"])
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
            raise CommandError("A Baton process stopped; see its output above.")
        except KeyboardInterrupt:
            self.stdout.write("Stopping Baton…")
        finally:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            for child in children:
                try:
                    child.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.kill()

    def _worker(self, base: Path) -> subprocess.Popen[bytes]:
        var = Path(os.environ.get("BATON_VAR_DIR", base / "var"))
        var.mkdir(parents=True, exist_ok=True)
        return subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            worker_command(schedule=var / "celerybeat-schedule", hostname="baton@%h"), cwd=base
        )

    def _web(self, host: str, port: int) -> subprocess.Popen[bytes]:
        return subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            [sys.executable, "manage.py", "runserver", "--noreload", f"{host}:{port}"],
            cwd=settings.BASE_DIR,
        )

    def _wait_for(self, url: str, children: list[subprocess.Popen[bytes]]) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if any(child.poll() is not None for child in children):
                raise CommandError("Baton did not start; see the output above.")
            try:
                with urllib.request.urlopen(url + "accounts/login/", timeout=2):  # noqa: S310
                    return
            except OSError:
                time.sleep(0.3)
        raise CommandError(f"The web server did not answer at {url} within 60 s.")

    def _banner(self, url: str, no_demo: bool) -> None:
        lines = ["", "=" * 60, f"  Baton is running at {url}", f"  Admin: {url}admin/"]
        if not no_demo:
            lines.append("  Demo logins (user / password):")
            lines += [f"    {u:<6} / {p:<11} ({role})" for u, p, role in DEMO_LOGINS]
        lines += ["  Press Ctrl-C to stop.", "=" * 60, ""]
        self.stdout.write("\n".join(lines))
        self.stdout.flush()
