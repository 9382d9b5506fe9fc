"""The step: lock the instance, load its state, run the interpreter, write what changed.

Every service that moves an instance goes through ``instance_step`` (or, when it has
loaded the instance itself, ``step_locked``), so there is exactly one place that decides
transaction boundaries and lock order (instance row first, then task or job rows), and
one place that turns effects into rows.

A step is a few round trips however much it writes: the lock and every read go out
together, then all writes (``bpmn_engine.persistence``), then the commit.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.db import transaction

from bpmn_engine import clock
from bpmn_engine.conf import engine_setting
from bpmn_engine.interpreter import Interpreter
from bpmn_engine.interpreter.effects import Effect
from bpmn_engine.interpreter.limits import Limits
from bpmn_engine.interpreter.state import InstanceState
from bpmn_engine.models import ProcessInstance
from bpmn_engine.observability.hooks import step_observed
from bpmn_engine.persistence import steps
from bpmn_engine.persistence.batch import Batch
from bpmn_engine.persistence.steps import InstanceRef, LockedLoad
from bpmn_engine.services.decisions import DeploymentDecisions
from bpmn_engine.services.effects import EffectWriter
from bpmn_engine.services.errors import Conflict, InvalidInput
from bpmn_engine.services.events import writer as event_writer
from bpmn_engine.services.models_cache import definition_model
from bpmn_engine.services.step_budget import budget_exceeded, parked_where_the_step_began

StepAction = Callable[[Interpreter, InstanceState], list[Effect]]
HistoryNote = tuple[str, str, str | None, dict[str, Any]]
"""A caller's own history event for a step: (event, element_id, token_id, data)."""


def engine_limits() -> Limits:
    return Limits(
        max_steps=engine_setting("MAX_STEPS_PER_TRANSACTION"),
        max_variable_bytes=engine_setting("MAX_VARIABLE_BYTES"),
    )


def interpreter_for(instance: ProcessInstance) -> Interpreter:
    return Interpreter(
        definition_model(instance.definition_id),
        limits=engine_limits(),
        decisions=DeploymentDecisions(instance.definition_id),
    )


def check_variables(variables: Mapping[str, Any] | None) -> dict[str, Any]:
    """Variables from outside (forms, API, handlers) must be JSON and within the size limit."""
    if variables is None:
        return {}
    if not isinstance(variables, Mapping):
        raise InvalidInput("Variables must be an object of name -> value")
    limit = engine_setting("MAX_VARIABLE_BYTES")
    checked: dict[str, Any] = {}
    for name, value in variables.items():
        if not isinstance(name, str) or not name.isidentifier() or name.startswith("_"):
            raise InvalidInput(f"Invalid variable name {name!r}: use letters, digits and _")
        try:
            size = len(json.dumps(value))
        except (TypeError, ValueError) as exc:
            raise InvalidInput(f"Variable {name!r} is not JSON: {exc}") from exc
        if size > limit:
            raise InvalidInput(f"Variable {name!r} is {size} bytes; the limit is {limit}")
        checked[name] = value
    return checked


def load_locked(
    ref: InstanceRef, batch: Batch | None = None
) -> tuple[ProcessInstance | None, InstanceState | None]:
    """Lock the instance row and read its state, in one round trip (with whatever else
    the caller queued on ``batch`` after this). (None, None) if there is no such row."""
    batch = batch or Batch()
    load = LockedLoad(batch, ref)
    batch.run()
    instance = load.instance()
    if instance is None:
        return None, None
    return instance, load.state()


def save_state(instance: ProcessInstance, state: InstanceState, batch: Batch | None = None) -> None:
    """Queue the writes of what the step changed on ``batch`` (run now if none is given)."""
    own = batch is None
    batch = batch or Batch()
    changes = state.take_changes()
    steps.queue_state_changes(batch, instance, state, changes)
    if changes.scopes_removed:
        event_writer.scopes_removed(instance, changes.scopes_removed)
    if changes.tokens_removed and instance.open_incidents:
        # The counter on the locked row says whether there is anything to resolve.
        batch.run()
        _resolve_incidents_of(instance, changes.tokens_removed)
    if own:
        batch.run()


def _resolve_incidents_of(instance: ProcessInstance, token_ids: set[str]) -> None:
    """A terminated or cancelled token takes its open incidents with it."""
    from bpmn_engine.models import Incident

    resolved = Incident.objects.filter(
        instance=instance, token_id__in=token_ids, state=Incident.State.OPEN
    ).update(state=Incident.State.RESOLVED, resolved_at=clock.now())
    if resolved:
        instance.open_incidents = max(instance.open_incidents - resolved, 0)


@dataclass
class StepResult:
    instance: ProcessInstance
    state: InstanceState
    effects: list[Effect] = field(default_factory=list)
    created_task_ids: list[int] = field(default_factory=list)
    """The user tasks the step opened, in order (callers and the benchmark use them)."""


def lock_instance(instance_id: int) -> ProcessInstance:
    """``SELECT ... FOR UPDATE`` on the instance row: the one lock every step takes first."""
    try:
        return ProcessInstance.objects.select_for_update().get(pk=instance_id)
    except ProcessInstance.DoesNotExist:
        raise Conflict(f"Process instance {instance_id} does not exist") from None


def instance_step(
    instance_id: int,
    action: StepAction,
    *,
    user: str = "",
    require_active: bool = True,
    before: Callable[[ProcessInstance, InstanceState], None] | None = None,
) -> StepResult:
    """Run ``action`` on the locked instance and persist the result, in one transaction.

    Must be called inside ``transaction.atomic()`` (callers add their own row changes to
    the same transaction); ``before`` runs under the lock, before the interpreter. The
    lock is taken here, or is already held by the caller (taking it again is harmless).
    """
    _require_atomic()
    instance, state = load_locked(InstanceRef.by_id(instance_id))
    if instance is None or state is None:
        raise Conflict(f"Process instance {instance_id} does not exist")
    return step_locked(
        instance, state, action, user=user, require_active=require_active, before=before
    )


def step_locked(
    instance: ProcessInstance,
    state: InstanceState,
    action: StepAction,
    *,
    user: str = "",
    require_active: bool = True,
    before: Callable[[ProcessInstance, InstanceState], None] | None = None,
    now: datetime | None = None,
    batch: Batch | None = None,
    history: Sequence[HistoryNote] = (),
) -> StepResult:
    """The step on an instance its caller already locked and loaded (``load_locked``).

    ``batch`` may hold the caller's own writes (a completed task), and ``history`` its
    own history events; both are written with the step's rows, the history first.
    """
    _require_atomic()
    if require_active and instance.state != ProcessInstance.State.ACTIVE:
        raise Conflict(f"Process instance {instance.pk} is {instance.get_state_display()}")
    if before is not None:
        before(instance, state)
    with step_observed(instance, action):
        effects = action(interpreter_for(instance), state)
        if budget_exceeded(effects, engine_setting("MAX_STEPS_PER_TRANSACTION")):
            state, effects = _rolled_back(instance, action)
        created = persist(
            instance, state, effects, user=user, now=now, batch=batch, history=history
        )
    return StepResult(instance, state, effects, created)


def _rolled_back(
    instance: ProcessInstance, action: StepAction
) -> tuple[InstanceState, list[Effect]]:
    """The step ran away (``step_budget``): reload the state from before it (nothing of
    the run was written) and run the action again with a budget of zero."""
    _, state = load_locked(InstanceRef.by_id(instance.pk))
    if state is None:  # pragma: no cover - the caller holds the instance lock
        raise Conflict(f"Process instance {instance.pk} does not exist")

    before: InstanceState = state

    def run(max_steps: int) -> list[Effect]:
        interpreter = Interpreter(
            definition_model(instance.definition_id),
            limits=replace(engine_limits(), max_steps=max_steps),
            decisions=DeploymentDecisions(instance.definition_id),
        )
        return action(interpreter, before)

    return before, parked_where_the_step_began(run, engine_setting("MAX_STEPS_PER_TRANSACTION"))


def _require_atomic() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("instance_step must run inside transaction.atomic()")


def persist(
    instance: ProcessInstance,
    state: InstanceState,
    effects: list[Effect],
    *,
    user: str,
    now: datetime | None = None,
    batch: Batch | None = None,
    history: Sequence[HistoryNote] = (),
) -> list[int]:
    """Write the step: changed tokens and scopes, effects, history, the instance version.

    Returns the ids of the user tasks the step opened.
    """
    writer = EffectWriter(instance, user=user, now=now or clock.now(), batch=batch)
    for event, element_id, token_id, data in history:
        writer.add_history(event, element_id=element_id, token_id=token_id, **data)
    save_state(instance, state, writer.batch)
    writer.write(effects)
    writer.finish()
    from bpmn_engine.services.call_returns import call_after_step

    call_after_step(instance, effects)  # call activities: return to the caller, or to us
    return writer.created_task_ids
