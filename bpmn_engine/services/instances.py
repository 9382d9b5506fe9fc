"""Starting and cancelling process instances."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection, transaction

from bpmn_engine import clock
from bpmn_engine.conf import engine_setting
from bpmn_engine.interpreter.effects import Effect
from bpmn_engine.interpreter.errors import NotStartableError
from bpmn_engine.interpreter.state import InstanceState
from bpmn_engine.models import ProcessDefinition, ProcessInstance
from bpmn_engine.observability.hooks import start_observed
from bpmn_engine.persistence import steps
from bpmn_engine.persistence.batch import Batch
from bpmn_engine.services.errors import InvalidInput, NotFound, NotPermitted
from bpmn_engine.services.identity import user_groups, username_of
from bpmn_engine.services.models_cache import definition_model
from bpmn_engine.services.runtime import (
    StepResult,
    check_variables,
    engine_limits,
    instance_step,
    persist,
)
from bpmn_engine.services.step_budget import budget_exceeded, started_where_the_step_began


def definition_latest(*, key: str) -> ProcessDefinition:
    definition = ProcessDefinition.objects.filter(key=key).order_by("-version").first()
    if definition is None:
        raise NotFound(f"No process definition with key {key!r}")
    return definition


def definition_can_start(definition: ProcessDefinition, user: AbstractBaseUser | None) -> bool:
    """``camunda:candidateStarterGroups/Users``: empty means any signed-in user."""
    if not definition.is_executable:
        return False
    if user is None:
        return True  # internal callers (commands, message starts) are trusted
    if not user.is_authenticated:
        return False
    if getattr(user, "is_superuser", False):
        return True
    groups, users = definition.candidate_starter_groups, definition.candidate_starter_users
    if not groups and not users:
        return True
    return username_of(user) in users or bool(user_groups(user) & set(groups))


def instance_start(
    *,
    definition: ProcessDefinition | None = None,
    key: str | None = None,
    variables: Mapping[str, Any] | None = None,
    business_key: str = "",
    user: AbstractBaseUser | None = None,
) -> ProcessInstance:
    """Create an instance and run it to its first wait states, in one transaction."""
    return instance_start_step(
        definition=definition, key=key, variables=variables, business_key=business_key, user=user
    ).instance


def instance_start_step(
    *,
    definition: ProcessDefinition | None = None,
    key: str | None = None,
    variables: Mapping[str, Any] | None = None,
    business_key: str = "",
    user: AbstractBaseUser | None = None,
) -> StepResult:
    """``instance_start``, returning the whole step (e.g. the tasks it opened)."""
    if definition is None:
        if key is None:
            raise InvalidInput("Give a definition or a key to start")
        definition = definition_latest(key=key)
    if not definition.is_executable:
        raise InvalidInput(f"Process {definition.key!r} is not executable (isExecutable=false)")
    if not definition_can_start(definition, user):
        raise NotPermitted(f"You may not start {definition.label!r}")
    values = check_variables(variables)
    with transaction.atomic():
        return instance_create(
            definition=definition,
            variables=values,
            business_key=business_key,
            username=username_of(user),
        )


def instance_create(
    *,
    definition: ProcessDefinition,
    variables: dict[str, Any],
    business_key: str = "",
    username: str = "",
    parent: ProcessInstance | None = None,
    parent_token_id: str | None = None,
) -> StepResult:
    """Insert the instance row and run it to its first wait states, in the caller's
    transaction. Shared by ``instance_start`` and call activities (``services.calls``),
    which have already checked permissions and variables."""
    from bpmn_engine.interpreter import Interpreter
    from bpmn_engine.services.decisions import DeploymentDecisions

    def start(max_steps: int) -> tuple[InstanceState, list[Effect]]:
        interpreter = Interpreter(
            definition_model(definition),
            limits=replace(engine_limits(), max_steps=max_steps),
            decisions=DeploymentDecisions(definition.pk),
        )
        return interpreter.start(variables=variables, initiator=username or None)

    limit = engine_setting("MAX_STEPS_PER_TRANSACTION")
    try:
        state, effects = start(limit)
        if budget_exceeded(effects, limit):  # a loop with no wait state: see step_budget
            state, effects = started_where_the_step_began(start, limit)
    except NotStartableError as exc:
        raise InvalidInput(str(exc)) from exc
    now = clock.now()
    instance = ProcessInstance(
        definition=definition,
        business_key=business_key,
        started_by=username,
        started_at=now,
        parent=parent,
        parent_token_id=parent_token_id,
    )
    _insert(instance)
    with start_observed(instance):
        created = persist(instance, state, effects, user=username, now=now)
    return StepResult(instance, state, effects, created)


def _insert(instance: ProcessInstance) -> None:
    """The instance row, written as ``save()`` would but without the ORM's compilation."""
    batch = Batch()
    inserted = steps.queue_instance_insert(batch, instance)
    batch.run()
    row = inserted.first()
    if row is None:  # pragma: no cover - INSERT ... RETURNING always returns its row
        raise RuntimeError("The instance INSERT returned no id")
    instance.pk = row[0]
    instance._state.adding = False
    instance._state.db = connection.alias


def instance_cancel(
    *, instance_id: int, reason: str = "", user: AbstractBaseUser | None = None
) -> ProcessInstance:
    with transaction.atomic():
        result = instance_step(
            instance_id,
            lambda interpreter, state: interpreter.cancel(state, reason=reason),
            user=username_of(user),
        )
    return result.instance


def _instance_set_suspended(
    instance_id: int, *, suspend: bool, user: AbstractBaseUser | None
) -> ProcessInstance:
    """Suspend or resume under the instance lock. A suspended instance does not move:
    every step requires an active instance (task completion, jobs, timers, messages
    refuse or wait), and resuming lets the sweeper pick up what fell due meanwhile."""
    from bpmn_engine.models import HistoryEvent
    from bpmn_engine.services.errors import Conflict
    from bpmn_engine.services.runtime import lock_instance

    State = ProcessInstance.State
    before, after = (State.ACTIVE, State.SUSPENDED) if suspend else (State.SUSPENDED, State.ACTIVE)
    with transaction.atomic():
        instance = lock_instance(instance_id)
        if instance.state != before:
            verb = "suspended" if suspend else "resumed"
            raise Conflict(
                f"Process instance {instance_id} is {instance.get_state_display().lower()}: "
                f"only {before.label.lower()} instances can be {verb}"
            )
        instance.state = after
        instance.version += 1
        instance.save(update_fields=["state", "version"])
        HistoryEvent.objects.create(
            instance=instance,
            event="instance_suspended" if suspend else "instance_resumed",
            element_id="",
            user=username_of(user),
            data={},
            timestamp=clock.now(),
        )
    return instance


def instance_suspend(*, instance_id: int, user: AbstractBaseUser | None = None) -> ProcessInstance:
    return _instance_set_suspended(instance_id, suspend=True, user=user)


def instance_resume(*, instance_id: int, user: AbstractBaseUser | None = None) -> ProcessInstance:
    return _instance_set_suspended(instance_id, suspend=False, user=user)
