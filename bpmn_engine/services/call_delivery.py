"""Delivering what a called instance tells its caller: returns (``call_returns``), errors
(``call_errors``) and escalations (``call_escalations``) share these lock rules (see
``services.calls``). Never wait for the caller's lock while holding a child's:

1. the child spoke inside the caller's own step (``caller_stepping``): queued, and
   delivered right after the caller's step (``CallerQueue.drain``), same transaction;
2. the caller's row can be locked at once: delivered now, in the child's transaction;
3. the caller is locked by someone else: delivered after commit.

Each delivery then locks the caller and finds its call activity still waiting
(``waiting_call``) before it steps the caller.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

from django.db import transaction

from bpmn_engine.interpreter.state import InstanceState, Token, TokenState
from bpmn_engine.models import ProcessInstance
from bpmn_engine.persistence.steps import InstanceRef

if TYPE_CHECKING:
    from bpmn_engine.services.runtime import StepAction

_busy: ContextVar[frozenset[int]] = ContextVar("baton_calls_busy", default=frozenset())
"""Instances whose step is running ``call_start``/``call_cancel`` right now."""


@contextmanager
def caller_stepping(parent: ProcessInstance) -> Iterator[None]:
    reset = _busy.set(_busy.get() | {parent.pk})
    try:
        yield
    finally:
        _busy.reset(reset)


def _lock_without_waiting(instance_id: int) -> bool:
    """Take the caller's lock only if it is free: never wait for a caller while holding
    a child (that wait could close a cycle with a caller cancelling this child)."""
    locked = ProcessInstance.objects.select_for_update(skip_locked=True).filter(pk=instance_id)
    return locked.values_list("pk", flat=True).first() is not None


class Route(Enum):
    """When a child's news reaches its caller (cases 1-3 of the module docstring)."""

    QUEUE = "after the caller's step"
    NOW = "now"
    AFTER_COMMIT = "after commit"


def caller_route(parent_id: int) -> Route:
    """Case 1, 2 or 3 for the caller ``parent_id``; case 2 takes the caller's lock."""
    if parent_id in _busy.get():  # the caller's own step started or cancelled us
        return Route.QUEUE
    if _lock_without_waiting(parent_id):
        return Route.NOW
    return Route.AFTER_COMMIT


def after_commit(deliver: Callable[[], object]) -> None:
    """Run ``deliver`` once the transaction commits; a failure is logged, not raised
    (``robust``): the step is already committed and the sweeper repairs a lost delivery.

    Django names the callable in that log line through ``__qualname__``, which a
    ``functools.partial`` lacks, so the failure would surface as an ``AttributeError``
    instead; a named wrapper makes any callable safe here.
    """

    def deliver_after_commit() -> None:
        deliver()

    transaction.on_commit(deliver_after_commit, robust=True)


class CallerQueue:
    """Deliveries of one kind: caller id -> those queued inside the caller's step."""

    def __init__(self, name: str) -> None:
        self._pending: ContextVar[dict[int, list[Callable[[], object]]] | None] = ContextVar(
            name, default=None
        )

    def send(
        self, parent_id: int, deliver: Callable[[], object], route: Route | None = None
    ) -> None:
        """Run ``deliver`` by ``route`` (worked out for ``parent_id`` if not given)."""
        if route is None:
            route = caller_route(parent_id)
        if route is Route.QUEUE:
            pending = self._pending.get()
            if pending is None:
                pending = {}
                self._pending.set(pending)
            pending.setdefault(parent_id, []).append(deliver)
        elif route is Route.NOW:
            deliver()
        else:
            after_commit(deliver)

    def drain(self, instance: ProcessInstance) -> None:
        """Deliver what was queued for ``instance`` as a caller (its step is written)."""
        pending = self._pending.get()
        queued = pending.pop(instance.pk, None) if pending else None
        if not queued:
            return
        for deliver in queued:
            deliver()
        # The delivered steps wrote the row: keep the caller's object in step with it.
        instance.refresh_from_db(fields=["version", "state", "ended_at", "open_incidents"])


@dataclass(frozen=True, slots=True)
class WaitingCall:
    """A caller, locked and loaded, whose call activity token still waits for the child."""

    child: ProcessInstance
    parent: ProcessInstance
    state: InstanceState
    token_id: str
    token: Token

    def step(self, action: StepAction, event: str, data: dict[str, Any]) -> None:
        """Step the caller with ``action``, recording ``event`` on the call activity."""
        from bpmn_engine.services.runtime import step_locked

        note = (event, self.token.element_id, self.token_id, data)
        step_locked(self.parent, self.state, action, user=self.child.started_by, history=[note])


def waiting_call(child_id: int) -> WaitingCall | str:
    """Lock the caller of ``child_id`` (inside the caller's transaction) and find its call
    activity still waiting; else "gone" (no such child or caller) or "stale"."""
    from bpmn_engine.services.runtime import load_locked

    child = ProcessInstance.objects.filter(pk=child_id).first()
    if child is None or child.parent_id is None or child.parent_token_id is None:
        return "gone"
    parent, state = load_locked(InstanceRef.by_id(child.parent_id))
    token_id = child.parent_token_id.hex
    token = state.tokens.get(token_id) if state is not None else None
    if parent is None or state is None or token is None or token.state is not TokenState.WAITING:
        return "stale"
    return WaitingCall(child, parent, state, token_id, token)
