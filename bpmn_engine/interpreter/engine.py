"""The ``Interpreter``: the entry points the runtime calls, and the run loop.

Each call mutates the given ``InstanceState`` and returns the effects the runtime must
persist with it. The run loop takes READY tokens from a queue and hands each to the
behavior of its element until every token waits, joins, failed or is gone. Errors in the
diagram or the data (``ElementError``, ``ExpressionError``) never escape: the token parks
as FAILED with an incident and the other tokens go on. Only misuse of the API raises
(``TokenNotWaitingError``, ``NotStartableError``, ``InstanceEndedError``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import partial
from types import MappingProxyType
from typing import Any
from uuid import uuid4

from bpmn_engine.interpreter.behaviors import behavior_for
from bpmn_engine.interpreter.behaviors.inclusive import release_joins
from bpmn_engine.interpreter.behaviors.listen import open_boundaries, open_event_subprocesses
from bpmn_engine.interpreter.conditions import ConditionWatch, has_conditional_events
from bpmn_engine.interpreter.context import Context, ElementError
from bpmn_engine.interpreter.decisions import DecisionResolver
from bpmn_engine.interpreter.effects import (
    HISTORY_ELEMENT_STARTED,
    HISTORY_INCIDENT,
    HISTORY_INSTANCE_CANCELLED,
    HISTORY_INSTANCE_STARTED,
    Effect,
    InstanceEnded,
    RaiseIncident,
)
from bpmn_engine.interpreter.errors import (
    InstanceEndedError,
    NotStartableError,
    TokenNotWaitingError,
)
from bpmn_engine.interpreter.event_index import event_index
from bpmn_engine.interpreter.expressions import ExpressionError
from bpmn_engine.interpreter.limits import Limits
from bpmn_engine.interpreter.state import InstanceState, Scope, Token, TokenState
from bpmn_engine.model import FlowNode, ProcessModel, ReceiveTask, StartEvent

READY = TokenState.READY
WAITING = TokenState.WAITING
FAILED = TokenState.FAILED
_WAITS = (WAITING, TokenState.IN_SCOPE)
"""States in which a token sits on its activity, so its boundary events listen."""


def _uuid_hex() -> str:
    return uuid4().hex


def element_type(node: FlowNode) -> str:
    """The BPMN tag of a node's class: ``UserTask`` -> ``userTask``."""
    name = type(node).__name__
    return name[:1].lower() + name[1:]


_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def _kind(node: FlowNode) -> str:
    """A node kind for messages: ``ExclusiveGateway`` -> ``Exclusive gateway``."""
    return _CAMEL.sub(" ", type(node).__name__).capitalize()


class Interpreter:
    """Runs instances of one process model. Stateless between calls; safe to cache."""

    __slots__ = (
        "model",
        "limits",
        "new_id",
        "decisions",
        "_behaviors",
        "_node_data",
        "_conditional",
    )

    def __init__(
        self,
        model: ProcessModel,
        *,
        limits: Limits = Limits(),  # noqa: B008 - Limits is frozen
        new_id: Callable[[], str] = _uuid_hex,
        decisions: DecisionResolver | None = None,
    ) -> None:
        self.model = model
        self.limits = limits
        self.new_id = new_id
        self.decisions = decisions
        """Injected by the runtime: finds DMN decisions (see ``interpreter.decisions``)."""
        nodes = model.nodes.values()
        self._conditional = has_conditional_events(model)
        self._behaviors = {node.id: behavior_for(node) for node in nodes}
        self._node_data: Mapping[str, Mapping[str, Any]] = {
            node.id: MappingProxyType({"type": element_type(node), "name": node.name})
            for node in nodes
        }

    # --- entry points ---------------------------------------------------------------------

    def start(
        self,
        *,
        variables: Mapping[str, Any] | None = None,
        start_event_id: str | None = None,
        initiator: str | None = None,
    ) -> tuple[InstanceState, list[Effect]]:
        """Create an instance at a none start event and run it until it waits or ends."""
        start = self._start_event(start_event_id)
        values = dict(variables or {})
        initiator_variable: str | None = getattr(start, "initiator", None)
        if initiator_variable:
            values[initiator_variable] = initiator
        root_id = self.new_id()
        state = InstanceState(process_id=self.model.id, root_scope_id=root_id)
        state.add_scope(
            Scope(
                id=root_id,
                element_id=self.model.id,
                parent_id=None,
                token_id=None,
                variables=values,
            )
        )
        ctx = self._context(state)
        if ctx.condition_watch is not None:
            ctx.condition_watch.held.clear()  # a new instance: nothing was true before
        open_event_subprocesses(ctx, state.root)
        ctx.history(
            HISTORY_INSTANCE_STARTED,
            element_id=self.model.id,
            data={"start_event_id": start.id, "initiator": initiator, "variables": list(values)},
        )
        token = Token(id=self.new_id(), element_id=start.id, scope_id=root_id, state=READY)
        token.leaving = isinstance(start, ReceiveTask)  # its message is what started us
        ctx.ready.append(state.add_token(token))
        return state, self._run(ctx)

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
            self._behaviors[token.element_id], "complete", None
        )
        if complete is None:
            raise TokenNotWaitingError(token_id, f"Element '{token.element_id}' is no wait state")
        ctx = self._context(state)
        values = variables or {}
        ctx.set_variables(token, values, local=local)
        try:
            complete(ctx, token, values)
        except (ElementError, ExpressionError) as error:
            self._fail(ctx, token, error)
        return self._run(ctx)

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
            self._fail(ctx, state.tokens[token_id], error)
        return self._run(ctx)

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
            throw_error(ctx, token, code, from_activity=True)
        except ElementError as error:
            detail = f": {message}" if message else ""
            self._incident(ctx, token, error.message + detail)
        return self._run(ctx)

    def escalate(self, state: InstanceState, *, token_id: str, code: str | None) -> list[Effect]:
        """The instance called by the call activity ``token_id`` waits on escalated
        ``code`` uncaught (see ``interpreter/call_escalation.py``)."""
        from bpmn_engine.interpreter.call_escalation import escalate_from_call

        token = state.tokens.get(token_id)
        if token is None or token.state is not WAITING:
            raise TokenNotWaitingError(token_id)
        ctx = self._context(state)
        escalate_from_call(ctx, token, code)
        return self._run(ctx)

    def retry(self, state: InstanceState, *, token_id: str) -> list[Effect]:
        """Re-execute a FAILED token's element (or only its leaving, see ``Token.leaving``)."""
        token = state.tokens.get(token_id)
        if token is None or token.state is not FAILED:
            raise TokenNotWaitingError(token_id, f"Token {token_id} has no incident to retry")
        ctx = self._context(state)
        state.update_token(token, state=READY)
        ctx.ready.append(token)
        return self._run(ctx)

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
        return self._run(ctx)

    # --- the run loop -------------------------------------------------------------------------

    def _context(self, state: InstanceState) -> Context:
        ctx = Context(
            self.model,
            state,
            limits=self.limits,
            new_id=self.new_id,
            behaviors=self._behaviors,
            node_data=self._node_data,
            decisions=self.decisions,
        )
        if self._conditional:  # conditions' "before" values, see interpreter/conditions.py
            ctx.condition_watch = ConditionWatch.open(ctx)
        return ctx

    def _run(self, ctx: Context) -> list[Effect]:
        ready = ctx.ready
        tokens = ctx.state.tokens
        behaviors = self._behaviors
        boundaries = event_index(self.model).on_enter
        steps = 0
        max_steps = self.limits.max_steps
        watch = ctx.condition_watch
        if watch is not None:
            watch.check(ctx, partial(self._fail, ctx))  # changes made before the loop
        while ready or release_joins(ctx):  # inclusive/complex joins nothing can reach
            token = ready.popleft()
            if tokens.get(token.id) is not token or token.state is not READY:
                continue  # ended meanwhile (terminate) or already handled
            if steps >= max_steps:
                self._stop_loop(ctx)
                break
            steps += 1
            try:
                if token.leaving:
                    ctx.pass_through(token)
                else:
                    ctx.history(HISTORY_ELEMENT_STARTED, token)
                    element_id = token.element_id
                    behaviors[element_id].enter(ctx, token)
                    if element_id in boundaries and token.element_id == element_id:
                        if tokens.get(token.id) is token and token.state in _WAITS:
                            if not ctx.is_loop_instance(token):  # the loop body listens
                                open_boundaries(ctx, token)
            except (ElementError, ExpressionError) as error:
                self._fail(ctx, token, error)
            if watch is not None:  # conditional events: fire the ones that became true
                watch.check(ctx, partial(self._fail, ctx))
        return ctx.effects

    def _stop_loop(self, ctx: Context) -> None:
        """The step limit was hit: park every READY token with an incident."""
        message = f"step limit of {self.limits.max_steps} exceeded: a loop with no wait state?"
        for token in [t for t in ctx.state.tokens.values() if t.state is READY]:
            self._incident(ctx, token, message)
        ctx.ready.clear()

    def _fail(self, ctx: Context, token: Token, error: ElementError | ExpressionError) -> None:
        message = error.message
        if isinstance(error, ExpressionError):
            node = self.model.nodes[token.element_id]
            message = f"{_kind(node)} '{node.id}' failed: {message}"
        self._incident(ctx, token, message)

    @staticmethod
    def _incident(ctx: Context, token: Token, message: str) -> None:
        ctx.state.update_token(token, state=FAILED)
        ctx.emit(RaiseIncident(token_id=token.id, element_id=token.element_id, message=message))
        ctx.history(HISTORY_INCIDENT, token, data={"message": message})

    def _start_event(self, start_event_id: str | None) -> StartEvent | ReceiveTask:
        model = self.model
        if not model.is_executable:
            raise NotStartableError(f"Process '{model.id}' is not executable")
        starts = model.none_start_events(model.id)
        if start_event_id is None:
            if not starts:
                raise NotStartableError(f"Process '{model.id}' has no none start event")
            return starts[0]
        for start in starts:
            if start.id == start_event_id:
                return start
        node = model.nodes.get(start_event_id)
        if node is not None and node.scope_id == model.id and not node.incoming:
            if isinstance(node, StartEvent) or (isinstance(node, ReceiveTask) and node.instantiate):
                return node  # an event start: the runtime decided the event happened
        raise NotStartableError(
            f"'{start_event_id}' is not a none start event of process '{model.id}'"
        )
