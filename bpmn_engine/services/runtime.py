"""The step: lock the instance, load its state, run the interpreter, write what changed.

Every service that moves an instance goes through ``instance_step``, so there is exactly
one place that decides transaction boundaries and lock order (instance row first, then
task or job rows), and one place that turns effects into rows.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from bpmn_engine import clock
from bpmn_engine.conf import engine_setting
from bpmn_engine.interpreter import Interpreter
from bpmn_engine.interpreter.effects import Effect
from bpmn_engine.interpreter.limits import Limits
from bpmn_engine.interpreter.state import InstanceState, Scope, Token, TokenState
from bpmn_engine.models import ProcessInstance
from bpmn_engine.models import Scope as ScopeRow
from bpmn_engine.models import Token as TokenRow
from bpmn_engine.services.effects import EffectWriter
from bpmn_engine.services.errors import Conflict, InvalidInput
from bpmn_engine.services.models_cache import definition_model

StepAction = Callable[[Interpreter, InstanceState], list[Effect]]


def engine_limits() -> Limits:
    return Limits(
        max_steps=engine_setting("MAX_STEPS_PER_TRANSACTION"),
        max_variable_bytes=engine_setting("MAX_VARIABLE_BYTES"),
    )


def interpreter_for(instance: ProcessInstance) -> Interpreter:
    return Interpreter(definition_model(instance.definition_id), limits=engine_limits())


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


def load_state(instance: ProcessInstance) -> InstanceState:
    scopes = {
        row.id.hex: Scope(
            id=row.id.hex,
            element_id=row.element_id,
            parent_id=row.parent_id.hex if row.parent_id else None,
            token_id=row.token_id.hex if row.token_id else None,
            variables=row.variables,
        )
        for row in ScopeRow.objects.filter(instance=instance)
    }
    root = next(s for s in scopes.values() if s.parent_id is None)
    tokens = {
        row.id.hex: Token(
            id=row.id.hex,
            element_id=row.element_id,
            scope_id=row.scope_id.hex,
            state=TokenState(row.state),
            arrived_via=row.arrived_via or None,
            leaving=row.leaving,
        )
        for row in TokenRow.objects.filter(instance=instance).order_by("ordinal")
    }
    return InstanceState(
        process_id=root.element_id, root_scope_id=root.id, tokens=tokens, scopes=scopes
    )


def save_state(instance: ProcessInstance, state: InstanceState) -> None:
    """Write only what the step changed. Saved tokens get ordinals after every older token,
    in the state's order, so a reload sees the same arrival order."""
    changes = state.take_changes()
    if changes.tokens_removed:
        TokenRow.objects.filter(instance=instance, id__in=changes.tokens_removed).delete()
        _resolve_incidents_of(instance, changes.tokens_removed)
    if changes.scopes_removed:
        ScopeRow.objects.filter(instance=instance, id__in=changes.scopes_removed).delete()
    if changes.scopes_saved:
        ScopeRow.objects.bulk_create(
            [_scope_row(instance, state.scopes[i]) for i in changes.scopes_saved],
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=["variables", "parent_id", "token_id", "element_id"],
        )
    if changes.tokens_saved:
        base = (instance.version + 1) * 1_000_000
        TokenRow.objects.bulk_create(
            [
                _token_row(instance, token, base + position)
                for position, token in enumerate(state.tokens.values())
                if token.id in changes.tokens_saved
            ],
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=["element_id", "scope_id", "state", "arrived_via", "leaving", "ordinal"],
        )


def _resolve_incidents_of(instance: ProcessInstance, token_ids: set[str]) -> None:
    """A terminated or cancelled token takes its open incidents with it."""
    from bpmn_engine.models import Incident

    resolved = Incident.objects.filter(
        instance=instance, token_id__in=token_ids, state=Incident.State.OPEN
    ).update(state=Incident.State.RESOLVED, resolved_at=clock.now())
    if resolved:
        instance.open_incidents = max(instance.open_incidents - resolved, 0)


def _scope_row(instance: ProcessInstance, scope: Scope) -> ScopeRow:
    return ScopeRow(
        id=scope.id,
        instance=instance,
        element_id=scope.element_id,
        parent_id=scope.parent_id,
        token_id=scope.token_id,
        variables=scope.variables,
    )


def _token_row(instance: ProcessInstance, token: Token, ordinal: int) -> TokenRow:
    return TokenRow(
        id=token.id,
        instance=instance,
        element_id=token.element_id,
        scope_id=token.scope_id,
        state=token.state.value,
        arrived_via=token.arrived_via or "",
        leaving=token.leaving,
        ordinal=ordinal,
    )


@dataclass
class StepResult:
    instance: ProcessInstance
    state: InstanceState
    effects: list[Effect] = field(default_factory=list)


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
    the same transaction); ``before`` runs under the lock, before the interpreter.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("instance_step must run inside transaction.atomic()")
    instance = lock_instance(instance_id)
    if require_active and instance.state != ProcessInstance.State.ACTIVE:
        raise Conflict(f"Process instance {instance_id} is {instance.get_state_display()}")
    state = load_state(instance)
    if before is not None:
        before(instance, state)
    effects = action(interpreter_for(instance), state)
    persist(instance, state, effects, user=user)
    return StepResult(instance, state, effects)


def persist(
    instance: ProcessInstance, state: InstanceState, effects: list[Effect], *, user: str
) -> None:
    now = clock.now()
    save_state(instance, state)
    EffectWriter(instance, user=user, now=now).write(effects)
    instance.version += 1
    instance.save(update_fields=["version", "state", "ended_at", "open_incidents"])
