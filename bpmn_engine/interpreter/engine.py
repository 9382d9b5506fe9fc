"""The ``Interpreter``: the entry points the runtime calls.

Each call mutates the given ``InstanceState`` and returns the effects the runtime must
persist with it. Every call builds a ``Context`` and hands its READY tokens to the run
loop (``run_loop.py``). Errors in the diagram or the data never escape (the token parks
as FAILED with an incident); only misuse of the API raises (``TokenNotWaitingError``,
``NotStartableError``, ``InstanceEndedError``, ``ModificationError``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from time import perf_counter
from typing import Any

from bpmn_engine.interpreter import run_loop, step_observers
from bpmn_engine.interpreter.behaviors.listen import open_event_subprocesses
from bpmn_engine.interpreter.conditions import ConditionWatch
from bpmn_engine.interpreter.context import Context, ElementError
from bpmn_engine.interpreter.decisions import DecisionResolver
from bpmn_engine.interpreter.effects import (
    HISTORY_INSTANCE_CANCELLED,
    HISTORY_INSTANCE_STARTED,
    Effect,
    InstanceEnded,
)
from bpmn_engine.interpreter.errors import (
    InstanceEndedError,
    ModificationError,
    TokenNotWaitingError,
)
from bpmn_engine.interpreter.expressions import ExpressionError
from bpmn_engine.interpreter.ids import new_token_id
from bpmn_engine.interpreter.limits import Limits
from bpmn_engine.interpreter.model_tables import element_type, model_tables
from bpmn_engine.interpreter.starting import start_event
from bpmn_engine.interpreter.state import InstanceState, Scope, Token, TokenState
from bpmn_engine.interpreter.step_observers import INSTALLED, Installed, StepObserver
from bpmn_engine.model import BoundaryEvent, ProcessModel, ReceiveTask

__all__ = ["Interpreter", "StepObserver", "element_type"]

READY = TokenState.READY
WAITING = TokenState.WAITING
FAILED = TokenState.FAILED


class Interpreter:
    """Runs instances of one process model. Stateless between calls; safe to cache.

    ``observer`` is told each step's element type and duration; by default it is the
    one installed process-wide (``step_observers.install``); None turns it off.
    """

    __slots__ = ("model", "limits", "new_id", "decisions", "observer", "_tables")

    def __init__(
        self,
        model: ProcessModel,
        *,
        limits: Limits = Limits(),  # noqa: B008 - Limits is frozen
        new_id: Callable[[], str] = new_token_id,
        decisions: DecisionResolver | None = None,
        observer: StepObserver | Installed | None = INSTALLED,
    ) -> None:
        self.model = model
        self.limits = limits
        self.new_id = new_id
        self.decisions = decisions
        """Injected by the runtime: finds DMN decisions (see ``interpreter.decisions``)."""
        self.observer = step_observers.installed() if observer is INSTALLED else observer
        self._tables = model_tables(model)  # built once per model, not per step

    # --- entry points ---------------------------------------------------------------------

    def start(
        self,
        *,
        variables: Mapping[str, Any] | None = None,
        start_event_id: str | None = None,
        initiator: str | None = None,
    ) -> tuple[InstanceState, list[Effect]]:
        """Create an instance at a none start event and run it until it waits or ends."""
        start = start_event(self.model, start_event_id, self._tables.none_starts)
        values = dict(variables or {})
        initiator_variable: str | None = getattr(start, "initiator", None)
        if initiator_variable:
            values[initiator_variable] = initiator
        root_id = self.new_id()
        # Positional arguments (a class called with keywords is slower, see
        # ``effects.history_record``): process id, root scope id; then the root scope's
        # id, element, parent and waiting token (none for the root), variables.
        state = InstanceState(self.model.id, root_id)
        state.add_scope(Scope(root_id, self.model.id, None, None, values))
        ctx = self._context(state)
        if ctx.condition_watch is not None:
            ctx.condition_watch.held.clear()  # a new instance: nothing was true before
        open_event_subprocesses(ctx, state.root)
        ctx.history(
            HISTORY_INSTANCE_STARTED,
            element_id=self.model.id,
            data={"start_event_id": start.id, "initiator": initiator, "variables": list(values)},
        )
        token = Token(self.new_id(), start.id, root_id, READY)  # id, element, scope, state
        token.leaving = isinstance(start, ReceiveTask)  # its message is what started us
        ctx.ready.append(state.add_token(token))
        return state, run_loop.run(ctx, self.observer)

    def complete(
        self,
        state: InstanceState,
        *,
        token_id: str,
        variables: Mapping[str, Any] | None = None,
        local: bool = False,
    ) -> list[Effect]:
        """A user task was completed or a job finished: write its variables and go on."""
        token = state.tokens.get(token_id)
        if token is None or token.state is not WAITING:
            raise TokenNotWaitingError(token_id)
        complete: Callable[[Context, Token, Mapping[str, Any]], None] | None = getattr(
            self._tables.behaviors[token.element_id], "complete", None
        )
        if complete is None:
            raise TokenNotWaitingError(token_id, f"Element '{token.element_id}' is no wait state")
        ctx = self._context(state)
        observer = self.observer
        element_id = token.element_id
        started = perf_counter() if observer is not None else 0.0
        values = variables or {}
        ctx.set_variables(token, values, local=local)
        try:
            complete(ctx, token, values)
        except (ElementError, ExpressionError) as error:
            run_loop.fail(ctx, token, error)
        if observer is not None:  # the wait state's second step: leaving after its work
            observer(self._tables.element_types.get(element_id, ""), perf_counter() - started)
        return run_loop.run(ctx, observer)

    def trigger(
        self,
        state: InstanceState,
        *,
        token_id: str,
        element_id: str,
        variables: Mapping[str, Any] | None = None,
    ) -> list[Effect]:
        """An event a token listens for happened (a timer is due, a message or signal
        arrived): ``element_id`` is the catching element (catch event, receive task, the
        event after an event-based gateway, or a boundary event of the token's activity).
        Raises ``TokenNotWaitingError`` when the token no longer listens for it."""
        from bpmn_engine.interpreter.triggers import fire

        ctx = self._context(state)
        try:
            fire(ctx, token_id, element_id, dict(variables or {}))
        except (ElementError, ExpressionError) as error:
            run_loop.fail(ctx, state.tokens[token_id], error)
        return run_loop.run(ctx, self.observer)

    def throw_error(
        self, state: InstanceState, *, token_id: str, code: str | None, message: str = ""
    ) -> list[Effect]:
        """A service handler raised a BPMN error on the waiting token's activity: it is
        caught by the nearest error boundary event, or parks the token with an incident."""
        from bpmn_engine.interpreter.behaviors.errors import throw_error

        token = state.tokens.get(token_id)
        if token is None or token.state is not WAITING:
            raise TokenNotWaitingError(token_id)
        ctx = self._context(state)
        try:
            throw_error(ctx, token, code, from_activity=True, message=message or None)
        except ElementError as error:
            detail = f": {message}" if message else ""
            run_loop.incident(ctx, token, error.message + detail)
        return run_loop.run(ctx, self.observer)

    def escalate(self, state: InstanceState, *, token_id: str, code: str | None) -> list[Effect]:
        """The instance called by the call activity ``token_id`` waits on escalated
        ``code`` uncaught (see ``interpreter/call_escalation.py``)."""
        from bpmn_engine.interpreter.call_escalation import escalate_from_call

        token = state.tokens.get(token_id)
        if token is None or token.state is not WAITING:
            raise TokenNotWaitingError(token_id)
        ctx = self._context(state)
        escalate_from_call(ctx, token, code)
        return run_loop.run(ctx, self.observer)

    def retry(self, state: InstanceState, *, token_id: str) -> list[Effect]:
        """Re-execute a FAILED token's element (or only its leaving, see ``Token.leaving``)."""
        token = state.tokens.get(token_id)
        if token is None or token.state is not FAILED:
            raise TokenNotWaitingError(token_id, f"Token {token_id} has no incident to retry")
        ctx = self._context(state)
        state.update_token(token, state=READY)
        ctx.ready.append(token)
        return run_loop.run(ctx, self.observer)

    def cancel(self, state: InstanceState, *, reason: str = "") -> list[Effect]:
        """Cancel the whole instance: close all open work and remove every token."""
        if not state.tokens:
            raise InstanceEndedError(f"Instance of '{state.process_id}' has already ended")
        ctx = self._context(state)
        ctx.clear_scope(state.root_scope_id, reason=reason or "cancelled")
        ctx.history(HISTORY_INSTANCE_CANCELLED, element_id=self.model.id, data={"reason": reason})
        ctx.emit(InstanceEnded(outcome="cancelled"))
        return ctx.effects

    def run(self, state: InstanceState) -> list[Effect]:
        """Run the READY tokens of a state loaded from storage (a crash mid-call)."""
        ctx = self._context(state)
        ctx.ready.extend(t for t in state.tokens.values() if t.state is READY)
        return run_loop.run(ctx, self.observer)

    def modify(
        self,
        state: InstanceState,
        *,
        cancel_token_ids: Sequence[str] = (),
        start_before: Sequence[str] = (),
    ) -> list[Effect]:
        """Token modification (an operator's repair): cancel tokens, closing their open
        task, job or listeners, then start new tokens before elements of the process's
        top level, and run. Checked before anything runs where possible; raises
        ``ModificationError`` for an unknown token or element, or when no token would be
        left (that is a cancellation, not a modification)."""
        model = self.model
        for element_id in start_before:
            node = model.nodes.get(element_id)
            if node is None or node.scope_id != model.id or isinstance(node, BoundaryEvent):
                raise ModificationError(
                    f"{element_id!r} is not an element at the top level of process {model.id!r}"
                )
        for token_id in cancel_token_ids:
            if token_id not in state.tokens:
                raise ModificationError(f"Token {token_id} is not active")
        ctx = self._context(state)
        for token_id in cancel_token_ids:
            token = state.tokens.get(token_id)
            if token is not None:  # not discarded with an earlier one
                ctx.discard_token(token, reason="cancelled by token modification")
        for element_id in start_before:
            token = Token(
                id=self.new_id(), element_id=element_id, scope_id=state.root_scope_id, state=READY
            )
            ctx.ready.append(state.add_token(token))
        if not state.tokens:
            raise ModificationError("This would remove every token: cancel the instance instead")
        return run_loop.run(ctx, self.observer)

    def _context(self, state: InstanceState) -> Context:
        # positional: a class called with keywords packs and unpacks a dict
        ctx = Context(self.model, state, self.limits, self.new_id, self._tables, self.decisions)
        if self._tables.conditional_events:  # conditions' "before" values (conditions.py)
            ctx.condition_watch = ConditionWatch.open(ctx)
        return ctx
