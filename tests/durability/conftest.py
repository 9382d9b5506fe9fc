"""Fixtures for the durability tests: the race harness with its pause point in the step."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bpmn_engine.services import runtime
from tests.durability.race import Harness


@pytest.fixture
def harness(monkeypatch: pytest.MonkeyPatch) -> Iterator[Harness]:
    """Two racing sessions; every engine step pauses after it has read (and locked) the
    instance and run the interpreter, just before it writes (``runtime.persist``)."""
    race = Harness()
    original = runtime.persist

    def paused_persist(*args: Any, **kwargs: Any) -> Any:
        if race.pause_in_step:
            race.gate.pause()
        return original(*args, **kwargs)

    monkeypatch.setattr(runtime, "persist", paused_persist)
    yield race
    race.close()


@pytest.fixture
def boss(make_user: Any) -> Any:
    return make_user("boss", superuser=True)
