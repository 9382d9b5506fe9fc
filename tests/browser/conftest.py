"""Browser tests: Playwright drives the Debian chromium against pytest-django's live server.

There is no ``playwright install`` on our machines: ``browser_type_launch_args`` points
Playwright at ``/usr/bin/chromium`` (``.ci/run`` installs it). Service jobs are run by
calling ``job_execute`` from the test, on the same committed test database the live
server reads (``transaction=True``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API keeps an event loop running in the main thread from the first
# browser test to the end of the session, so Django would take every later synchronous
# ORM call (the tests' own, and pytest-django's database flushes, in any test module) for
# a call from async code and refuse it. The tests are synchronous: allow them, for the
# whole session, since the loop outlives any one test.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 1366, "height": 900}}


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def people(make_user: Callable[..., Any]) -> dict[str, Any]:
    """alice requests, bob and bella manage, carol is finance (password ``<name>-pw``)."""
    return {
        "alice": make_user("alice", "requesters"),
        "bob": make_user("bob", "managers"),
        "bella": make_user("bella", "managers"),
        "carol": make_user("carol", "finance"),
    }


@pytest.fixture
def screenshot() -> Callable[..., Path]:
    """``screenshot(page_or_locator, "name")`` writes test-artifacts/screenshots/name.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(target: Any, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        if hasattr(target, "context"):  # a Page
            target.screenshot(path=str(path), full_page=True)
        else:
            target.screenshot(path=str(path))
        return path

    return take


@pytest.fixture
def new_page(browser: Any) -> Iterator[Callable[[], Any]]:
    """Pages in separate browser contexts (separate cookies: separate people)."""
    contexts: list[Any] = []

    def make() -> Any:
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
