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


@dataclass(frozen=True, slots=True, kw_only=True, init=False)
class CreateJob(Effect):
    """Queue work for a service task: run by a Celery handler or an external worker.

    One per service task, so its ``__init__`` is written out (see ``RecordHistory``).
    """

    token_id: str
    element_id: str
    topic: str
    retry_time_cycle: str | None = None

    def __init__(
        self, *, token_id: str, element_id: str, topic: str, retry_time_cycle: str | None = None
    ) -> None:
        _set_job_token_id(self, token_id)
        _set_job_element_id(self, element_id)
        _set_job_topic(self, topic)
        _set_job_retry_time_cycle(self, retry_time_cycle)


_set_job_token_id = CreateJob.__dict__["token_id"].__set__
_set_job_element_id = CreateJob.__dict__["element_id"].__set__
_set_job_topic = CreateJob.__dict__["topic"].__set__
_set_job_retry_time_cycle = CreateJob.__dict__["retry_time_cycle"].__set__


@dataclass(frozen=True, slots=True, kw_only=True)
class CancelJob(Effect):
    token_id: str
    reason: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class RaiseIncident(Effect):
    """A token stopped on an error; it stays parked (FAILED) until an operator retries.

    ``cause`` says why in a form code can test (``INCIDENT_STEP_LIMIT``), so the runtime
    never has to match the human-readable message.
    """

    token_id: str
    element_id: str
    message: str
    cause: str = ""


INCIDENT_STEP_LIMIT = "step_limit"
"""``RaiseIncident.cause`` when the run stopped at ``Limits.max_steps``."""


@dataclass(frozen=True, slots=True, kw_only=True, init=False)
class RecordHistory(Effect):
    """Append one audit row. ``event`` is one of the HISTORY_* names below.

    The most frequent effect (several per element), so its ``__init__`` is written out:
    it fills the slots directly instead of through the frozen class's guarded
    ``object.__setattr__``, which costs three times as much. Still frozen afterwards.
    """

    event: str
    element_id: str = ""
    token_id: str = ""
    data: Mapping[str, Any] = field(default_factory=_empty)

    def __init__(
        self,
        *,
        event: str,
        element_id: str = "",
        token_id: str = "",
        data: Mapping[str, Any] | None = None,
    ) -> None:
        _set_event(self, event)
        _set_element_id(self, element_id)
        _set_token_id(self, token_id)
        _set_data(self, _EMPTY if data is None else data)


_EMPTY: Mapping[str, Any] = MappingProxyType({})
_set_event = RecordHistory.__dict__["event"].__set__
_set_element_id = RecordHistory.__dict__["element_id"].__set__
_set_token_id = RecordHistory.__dict__["token_id"].__set__
_set_data = RecordHistory.__dict__["data"].__set__
_new = object.__new__


def history_record(
    event: str, element_id: str, token_id: str, data: Mapping[str, Any]
) -> RecordHistory:
    """``RecordHistory(...)`` for the interpreter's hot path, same object.

    Calling a class with keyword arguments packs them into a dict and unpacks them
    again for ``__init__``; a plain function call does neither, which makes it about
    twice as fast. The run loop records several history rows per element.
    """
    record = _new(RecordHistory)
    _set_event(record, event)
    _set_element_id(record, element_id)
    _set_token_id(record, token_id)
    _set_data(record, data)
    return record


@dataclass(frozen=True, slots=True, kw_only=True)
class InstanceEnded(Effect):
    """The root scope has no tokens left. ``outcome`` is completed, terminated or cancelled."""

    outcome: str


@dataclass(frozen=True, slots=True, kw_only=True)
class StartCalledInstance(Effect):
    """A call activity was entered: start ``process_key`` as a child of this instance.

    ``binding`` is latest, deployment or version (then ``version`` is set);
    ``variables`` are the in-mapped values, already computed from the caller's variables.
    ``inherit_business_key``: the child takes the caller's own business key (Camunda's
    ``businessKey="#{execution.processBusinessKey}"``), which only the runtime knows.
    The token waits until the child ends; the runtime then completes it.
    """

    token_id: str
    element_id: str
    process_key: str
    binding: str = "latest"
    version: int | None = None
    variables: Mapping[str, Any] = field(default_factory=_empty)
    business_key: str | None = None
    inherit_business_key: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class CancelCalledInstance(Effect):
    """The call activity's token was removed (cancel, terminate): cancel its child."""

    token_id: str
    reason: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Subscribe(Effect):
    """Listen for a message or signal (``kind``) named ``name`` on behalf of a token.

    ``element_id`` is the catching element (the boundary event for a boundary); the token
    is the one that waits (for a boundary: the activity's token). Removed by
    ``Unsubscribe`` or when the event fires.
    """

    token_id: str
    element_id: str
    kind: str
    name: str
    correlation_key: str | None = None
    """A message's Zeebe correlation key, evaluated as the subscription opened: only a
    message correlated with this key reaches it. None: correlation as usual."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ScheduleTimer(Effect):
    """Create the timer job of ``element_id`` for a token; the runtime computes the due
    time from ``timer_type`` (date, duration, cycle) and ``value`` with its clock."""

    token_id: str
    element_id: str
    timer_type: str
    value: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Unsubscribe(Effect):
    """The token stopped listening: drop its subscriptions and timer jobs."""

    token_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ThrowSignal(Effect):
    """Broadcast a signal to every subscription and signal start event (after this step)."""

    name: str
    element_id: str
    variables: Mapping[str, Any] = field(default_factory=_empty)


@dataclass(frozen=True, slots=True, kw_only=True)
class SendMessage(Effect):
    """Correlate a message by name to another instance (or start one) after this step."""

    name: str
    element_id: str
    business_key: str | None = None
    variables: Mapping[str, Any] = field(default_factory=_empty)


@dataclass(frozen=True, slots=True, kw_only=True)
class ErrorToCaller(Effect):
    """A BPMN error reached this instance's process scope uncaught. The thrower is parked
    with an incident as always; if a call activity started the instance and can catch
    the code, the runtime throws it on that call activity (``services/call_errors.py``),
    with the error's message for the caller's ``errorMessageVariable``."""

    code: str | None
    element_id: str
    message: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class EscalateToCaller(Effect):
    """An escalation reached this instance's process scope uncaught: if a call activity
    started the instance, the runtime throws it on that call activity in the caller
    (``services/call_escalations.py``); otherwise it only leaves a history row."""

    code: str | None
    element_id: str


HISTORY_EVENT_TRIGGERED = "event_triggered"


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
