"""Signal broadcast: every waiting subscription and every signal start event receives it.

Instances are locked one after the other in id order (so two broadcasts never wait on
each other in a cycle), and each subscription is re-read under its instance's lock: one
that an earlier trigger in the same instance removed (an interrupting boundary) is skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from bpmn_engine.interpreter.errors import TokenNotWaitingError
from bpmn_engine.models import EventSubscription, ProcessInstance
from bpmn_engine.persistence.steps import InstanceRef
from bpmn_engine.services.events.messages import trigger_action
from bpmn_engine.services.events.starts import instance_start_at_event
from bpmn_engine.services.identity import username_of
from bpmn_engine.services.runtime import check_variables, load_locked, step_locked

SIGNAL = EventSubscription.Kind.SIGNAL


@dataclass(frozen=True)
class SignalDelivery:
    instance: ProcessInstance
    element_id: str
    started: bool


def signal_broadcast(
    *,
    name: str,
    variables: Mapping[str, Any] | None = None,
    user: AbstractBaseUser | None = None,
    exclude_instance: int | None = None,
) -> list[SignalDelivery]:
    """Deliver the signal everywhere it is awaited; returns who received it (maybe nobody:
    a signal, unlike a message, is not addressed to anyone). ``exclude_instance`` is the
    throwing instance, which the interpreter already delivered it to."""
    values = check_variables(variables)
    username = username_of(user)
    delivered: list[SignalDelivery] = []
    with transaction.atomic():
        waiting = EventSubscription.objects.filter(
            kind=SIGNAL,
            name=name,
            instance__isnull=False,
            instance__state=ProcessInstance.State.ACTIVE,
        )
        if exclude_instance is not None:
            waiting = waiting.exclude(instance_id=exclude_instance)
        instance_ids = sorted(set(waiting.values_list("instance_id", flat=True)))
        starts = list(
            EventSubscription.objects.select_related("definition").filter(
                kind=SIGNAL, name=name, instance__isnull=True
            )
        )
        for instance_id in instance_ids:
            delivered += _to_instance(instance_id, name, values, username)
        for sub in starts:
            step = instance_start_at_event(
                definition=sub.definition,
                element_id=sub.element_id,
                variables=values,
                user=username,
            )
            delivered.append(SignalDelivery(step.instance, sub.element_id, started=True))
    return delivered


def _to_instance(
    instance_id: int, name: str, values: dict[str, Any], user: str
) -> list[SignalDelivery]:
    instance, state = load_locked(InstanceRef.by_id(instance_id))
    if instance is None or state is None or instance.state != ProcessInstance.State.ACTIVE:
        return []
    subs = list(
        EventSubscription.objects.select_for_update()
        .filter(instance_id=instance_id, kind=SIGNAL, name=name)
        .values_list("token_id", "element_id")
    )
    delivered = []
    for token_uuid, element_id in subs:
        token_id = token_uuid.hex if token_uuid is not None else ""

        try:
            step_locked(instance, state, trigger_action(token_id, element_id, values), user=user)
        except TokenNotWaitingError:
            continue  # an earlier trigger in this instance removed this listener
        delivered.append(SignalDelivery(instance, element_id, started=False))
    return delivered
