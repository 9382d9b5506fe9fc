"""Effects: what the interpreter asks the runtime to do, instead of doing it itself.

The interpreter never touches a database or a broker. It mutates the in-memory
``InstanceState`` and returns these records; the runtime services persist them in the
same transaction as the state and queue broker work after commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any


def _empty() -> Mapping[str, Any]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True, kw_only=True)
class Effect:
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateUserTask(Effect):
    """Open a task for people. Assignment values are already resolved from templates."""

    token_id: str
    element_id: str
    name: str
    assignee: str | None = None
    candidate_users: tuple[str, ...] = ()
    candidate_groups: tuple[str, ...] = ()
    due_date: str | None = None
    priority: int | None = None
    form_key: str | None = None
    documentation: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class CancelUserTask(Effect):
    """Close a task that is no longer needed (terminate, cancel)."""

    token_id: str
    reason: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateJob(Effect):
    """Queue work for a service task: run by a Celery handler or an external worker."""

    token_id: str
    element_id: str
    topic: str
    retry_time_cycle: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CancelJob(Effect):
    token_id: str
    reason: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class RaiseIncident(Effect):
    """A token stopped on an error; it stays parked (FAILED) until an operator retries."""

    token_id: str
    element_id: str
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordHistory(Effect):
    """Append one audit row. ``event`` is one of the HISTORY_* names below."""

    event: str
    element_id: str = ""
    token_id: str = ""
    data: Mapping[str, Any] = field(default_factory=_empty)


@dataclass(frozen=True, slots=True, kw_only=True)
class InstanceEnded(Effect):
    """The root scope has no tokens left. ``outcome`` is completed, terminated or cancelled."""

    outcome: str


HISTORY_INSTANCE_STARTED = "instance_started"
HISTORY_INSTANCE_COMPLETED = "instance_completed"
HISTORY_INSTANCE_TERMINATED = "instance_terminated"
HISTORY_INSTANCE_CANCELLED = "instance_cancelled"
HISTORY_ELEMENT_STARTED = "element_started"
HISTORY_ELEMENT_COMPLETED = "element_completed"
HISTORY_ELEMENT_CANCELLED = "element_cancelled"
HISTORY_FLOW_TAKEN = "flow_taken"
HISTORY_VARIABLES_SET = "variables_set"
HISTORY_INCIDENT = "incident"
