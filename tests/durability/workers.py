"""Start and kill real Celery worker processes (with their embedded beat sweeper)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from config.celery import worker_command
from tests.conftest import ROOT
from tests.durability.processes import process_env

READY_TIMEOUT = 60.0


class Worker:
    """A ``celery worker --beat`` process; ``log`` is its output."""

    def __init__(
        self, folder: Path, name: str, *, broker: str | None = None, beat: bool = True, **env: str
    ) -> None:
        if broker is None:  # drop messages earlier tests left on our own queue
            from config.celery import app

            app.control.purge()
        self.log = folder / f"{name}.log"
        self.orphans: list[int] = []
        """The children of a killed main process (``kill``), for ``stop`` to end."""
        extra = {"BATON_SWEEP_INTERVAL": "0.5"}
        if broker is not None:
            extra["CELERY_BROKER_URL"] = broker
        extra.update(env)
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                worker_command(
                    schedule=folder / f"{name}-beat",
                    hostname=f"{name}-{os.getpid()}@%h",
                    concurrency=1,
                    beat=beat,
                ),
                cwd=ROOT,
                env=process_env(folder, **extra),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + READY_TIMEOUT
        while b" ready." not in self.log.read_bytes():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise AssertionError(f"The worker did not start:\n{self.text()[-3000:]}")
            time.sleep(0.1)

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """``kill -9`` of the main process: no cleanup, no ack, no goodbye. Its children
        (the pool, the embedded beat) are orphaned, as in production; ``stop`` ends the
        ones still alive, so a beat left behind does not sweep on after the test."""
        self.orphans = descendants(self.process.pid)
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        for pid in self.orphans:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass  # it had exited (the pool child does, once it notices)
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=20)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (Linux ``/proc``), children before grandchildren."""
    found: list[int] = []
    level = [pid]
    while level:
        below = []
        for parent in level:
            for task in Path(f"/proc/{parent}/task").glob("*/children"):
                try:
                    below += [int(child) for child in task.read_text().split()]
                except OSError:
                    continue  # that thread or process just ended
        found += below
        level = below
    return found
