"""Shared fixtures: users, diagrams, deployments, and a real Celery worker process.

Database tests run on PostgreSQL (``scripts/test`` sets ``DATABASE_URL``); a run that
would silently fall back to SQLite stops instead.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from config.celery import worker_command

ROOT = Path(__file__).resolve().parent.parent
DIAGRAMS = Path(__file__).resolve().parent / "diagrams"


def pytest_configure(config: pytest.Config) -> None:
    if config.pluginmanager.has_plugin("django") and not os.environ.get("DATABASE_URL"):
        raise pytest.UsageError(
            "DATABASE_URL is not set: run the suite with scripts/test, which uses the local "
            "PostgreSQL (postgres://postgres@127.0.0.1:5432/baton) and checks it is up."
        )


@pytest.fixture
def load_diagram() -> Callable[[str], bytes]:
    """``load_diagram("engine/user_task")`` -> bytes of tests/diagrams/engine/user_task.bpmn."""

    def load(name: str) -> bytes:
        path = DIAGRAMS / f"{name}.bpmn"
        if not path.exists():
            path = ROOT / "diagrams" / f"{name}.bpmn"
        return path.read_bytes()

    return load


@pytest.fixture
def deployed(load_diagram: Callable[[str], bytes], db: Any) -> Callable[[str], Any]:
    """Deploy a test or shipped diagram and return its (first) ProcessDefinition."""
    from bpmn_engine.services.deploy import definition_deploy

    def deploy(name: str, key: str | None = None) -> Any:
        result = definition_deploy(data=load_diagram(name), filename=f"{name}.bpmn")
        if key is None:
            return result.definitions[0]
        return next(d for d in result.definitions if d.key == key)

    return deploy


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    from django.contrib.auth.models import Group, User

    def make(username: str, *groups: str, superuser: bool = False) -> User:
        user = User.objects.create_user(username=username, password=f"{username}-pw")
        user.is_superuser = user.is_staff = superuser
        user.save()
        for name in groups:
            user.groups.add(Group.objects.get_or_create(name=name)[0])
        return user

    return make


def _test_database_url() -> str:
    db = settings.DATABASES["default"]
    return (
        f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


@pytest.fixture(scope="module")
def celery_worker_process(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[subprocess.Popen[bytes]]:
    """A real ``celery worker --beat`` process on the real broker and the test database.

    Module-scoped: it stops when its test module ends, so tests that count which process
    ran a job (tests/durability) never share the queue with a worker left running."""
    workdir = tmp_path_factory.mktemp("worker")
    log = workdir / "worker.log"
    env = dict(os.environ)
    env.update(DATABASE_URL=_test_database_url(), BATON_SWEEP_INTERVAL="0.5")
    with log.open("wb") as out:
        process = subprocess.Popen(
            worker_command(schedule=workdir / "beat-schedule", hostname=f"test-{os.getpid()}@%h"),
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while b" ready." not in log.read_bytes():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"The Celery worker did not start:\n{log.read_text()[-4000:]}")
        time.sleep(0.2)
    process.log_path = log  # type: ignore[attr-defined]
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def wait_for(predicate: Callable[[], Any], *, timeout: float = 30.0, what: str = "") -> Any:
    """Poll until ``predicate()`` is truthy; used only where a real process does the work."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"Timed out after {timeout}s waiting for {what or predicate}")
