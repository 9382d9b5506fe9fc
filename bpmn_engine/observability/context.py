"""What the current step or job is about, carried in contextvars.

Log records and spans read it from here instead of every log call passing the ids: a
step binds its instance once, and every line logged below it (the interpreter, the
effect writer, a handler) carries the instance id and business key.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass


@dataclass(frozen=True)
class Subject:
    """The instance (and job, inside a worker) that the current code works for."""

    instance_id: int | None = None
    business_key: str = ""
    process_key: str = ""
    job_id: int | None = None
    topic: str = ""


NOBODY = Subject()
_current: ContextVar[Subject] = ContextVar("baton_subject", default=NOBODY)


def current() -> Subject:
    return _current.get()


def enter(subject: Subject) -> Token[Subject]:
    """Make ``subject`` current until ``leave(token)`` (for hot paths: no generator)."""
    return _current.set(subject)


def leave(token: Token[Subject]) -> None:
    _current.reset(token)


@contextmanager
def bound(subject: Subject) -> Iterator[Subject]:
    """Make ``subject`` current for the block; the previous one comes back after it."""
    token = _current.set(subject)
    try:
        yield subject
    finally:
        _current.reset(token)
