"""Message correlation: deliver a named message to the one instance waiting for it, or
start an instance at a message start event.

Waiting instances are tried first (oldest subscription first), then start events. A
message nobody waits for raises ``NotFound``: it is never dropped silently. Each candidate
is locked the way every step locks (instance row, then the subscription row), and the
subscription is re-read under the lock, so one message is consumed once even when the
same message is correlated twice at the same moment.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Q

from bpmn_engine import clock
from bpmn_engine.interpreter import Interpreter
from bpmn_engine.interpreter.effects import Effect
from bpmn_engine.interpreter.errors import TokenNotWaitingError
from bpmn_engine.interpreter.state import InstanceState
from bpmn_engine.models import EventSubscription, HistoryEvent, ProcessInstance
from bpmn_engine.persistence.steps import InstanceRef
from bpmn_engine.services.errors import NotFound
from bpmn_engine.services.events.starts import instance_start_at_event
from bpmn_engine.services.events.writer import CORRELATION_KEY
from bpmn_engine.services.identity import username_of
from bpmn_engine.services.runtime import StepAction, check_variables, load_locked, step_locked

logger = logging.getLogger(__name__)
MESSAGE = EventSubscription.Kind.MESSAGE


@dataclass(frozen=True)
class CorrelationResult:
    instance: ProcessInstance
    element_id: str
    """The catching element (catch event, receive task, boundary or start event)."""
    started: bool
    """True when the message started a new instance."""


def message_correlate(
    *,
    name: str,
    business_key: str | None = None,
    correlation_keys: Mapping[str, Any] | None = None,
    variables: Mapping[str, Any] | None = None,
    user: AbstractBaseUser | None = None,
) -> CorrelationResult:
    """Deliver the message; ``NotFound`` if no instance and no start event waits for it."""
    values = check_variables(variables)
    username = username_of(user)
    with transaction.atomic():
        result = _to_waiting(name, business_key, dict(correlation_keys or {}), values, username)
        if result is None:
            result = _to_start(name, business_key, values, username)
    if result is None:
        where = f" with business key {business_key!r}" if business_key else ""
        keys = f" and correlation keys {dict(correlation_keys)}" if correlation_keys else ""
        raise NotFound(
            f"No process instance or start event waits for message {name!r}{where}{keys}"
        )
    return result


def _to_waiting(
    name: str, business_key: str | None, keys: dict[str, Any], values: dict[str, Any], user: str
) -> CorrelationResult | None:
    candidates = EventSubscription.objects.filter(
        kind=MESSAGE,
        name=name,
        instance__isnull=False,
        instance__state=ProcessInstance.State.ACTIVE,
    )
    candidates = candidates.filter(_key_matches(business_key))
    for sub_id, instance_id in candidates.values_list("pk", "instance_id"):
        instance, state = load_locked(InstanceRef.by_id(instance_id))
        sub = EventSubscription.objects.select_for_update().filter(pk=sub_id).first()
        if instance is None or state is None or sub is None or sub.token_id is None:
            continue  # consumed meanwhile by a concurrent correlation
        token_id, element_id = sub.token_id.hex, sub.element_id
        token = state.tokens.get(token_id)
        scope_id = token.scope_id if token is not None else token_id  # event subprocess
        if scope_id not in state.scopes:
            continue
        if not _keys_match(state.visible_variables(scope_id), keys):
            continue
        try:
            step_locked(
                instance,
                state,
                trigger_action(token_id, element_id, values),
                user=user,
            )
        except TokenNotWaitingError:
            continue
        return CorrelationResult(instance, element_id, started=False)
    return None


def trigger_action(token_id: str, element_id: str, values: Mapping[str, Any]) -> StepAction:
    """The step that fires one listener (bound here, not in a loop's closure)."""

    def action(interpreter: Interpreter, state: InstanceState) -> list[Effect]:
        return interpreter.trigger(
            state, token_id=token_id, element_id=element_id, variables=values
        )

    return action


def _key_matches(business_key: str | None) -> Q:
    """A subscription with a Zeebe correlation key takes only a message correlated with
    that key (given as the business key, as Camunda 8 publishes by one key); the others
    match the instance's business key, or any instance when the message has none."""
    keyed = Q(correlation__has_key=CORRELATION_KEY)
    if business_key is None:
        return ~keyed
    return Q(correlation__key=business_key) | (~keyed & Q(instance__business_key=business_key))


def _keys_match(variables: Mapping[str, Any], keys: Mapping[str, Any]) -> bool:
    return all(name in variables and variables[name] == value for name, value in keys.items())


def _to_start(
    name: str, business_key: str | None, values: dict[str, Any], user: str
) -> CorrelationResult | None:
    sub = (
        EventSubscription.objects.select_related("definition")
        .filter(kind=MESSAGE, name=name, instance__isnull=True)
        .first()
    )
    if sub is None:
        return None
    step = instance_start_at_event(
        definition=sub.definition,
        element_id=sub.element_id,
        variables=values,
        business_key=business_key or "",
        user=user,
    )
    return CorrelationResult(step.instance, sub.element_id, started=True)


def message_send_from(
    *, instance_id: int, element_id: str, name: str, variables: Mapping[str, Any]
) -> CorrelationResult | None:
    """A message throw or end event sent ``name`` (run after the sender's commit). With
    no receiver, the sender's history says so and an error is logged: reported, not lost."""
    try:
        return message_correlate(name=name, variables=variables)
    except NotFound as exc:
        logger.error("Message %r from instance %s found no receiver", name, instance_id)
        HistoryEvent.objects.create(
            instance_id=instance_id,
            event="message_unmatched",
            element_id=element_id,
            data={"name": name, "error": str(exc)},
            timestamp=clock.now(),
        )
        return None
