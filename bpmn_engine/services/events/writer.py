"""Rows for the event effects, called by ``EffectWriter`` (one function per effect).

Subscriptions and timers are keyed by (token, element): writing one again (a retried
activity re-opens its boundary listeners) replaces the old row instead of doubling it.
Signals and messages thrown by a step are delivered after its commit, in their own
transactions, so a thrower never holds another instance's lock.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.db import transaction

from bpmn_engine.interpreter import effects as fx
from bpmn_engine.model.timers import first_due
from bpmn_engine.models import EventSubscription, Job, ProcessInstance

if TYPE_CHECKING:
    from bpmn_engine.services.effects import EffectWriter

logger = logging.getLogger(__name__)
CORRELATION_KEY = "key"


def subscribe(writer: EffectWriter, effect: fx.Subscribe) -> None:
    writer.batch.run()
    subscriptions = EventSubscription.objects.filter(  # a multiple event has several
        instance=writer.instance,
        token_id=effect.token_id,
        element_id=effect.element_id,
        kind=effect.kind,
        name=effect.name,
    )
    subscriptions.delete()
    EventSubscription.objects.create(
        definition_id=writer.instance.definition_id,
        instance=writer.instance,
        token_id=effect.token_id,
        element_id=effect.element_id,
        kind=effect.kind,
        name=effect.name,
        correlation=correlation_of(effect.correlation_key),
        created_at=writer.now,
    )


def correlation_of(key: str | None) -> dict[str, str]:
    """The subscription's ``correlation`` column: a Zeebe correlation key under ``key``
    (``services/events/messages.py`` matches it against the message's key)."""
    return {} if key is None else {CORRELATION_KEY: key}


def schedule_timer(writer: EffectWriter, effect: fx.ScheduleTimer) -> None:
    """A durable timer job; the beat sweeper dispatches it once ``due_at`` has passed."""
    writer.batch.run()
    due, remaining = first_due(effect.timer_type, effect.value, writer.now)
    Job.objects.update_or_create(
        token_id=effect.token_id,
        element_id=effect.element_id,
        defaults={
            "kind": Job.Kind.TIMER,
            "instance": writer.instance,
            "topic": f"timer:{effect.element_id}",
            "executor": Job.Executor.CELERY,
            "state": Job.State.PENDING,
            "due_at": due,
            "dispatched_at": None,
            "timer": timer_data(effect.timer_type, effect.value, remaining),
            "created_at": writer.now,
        },
    )


def timer_data(timer_type: str, value: str, remaining: int | None) -> dict[str, object]:
    return {"type": timer_type, "value": value, "remaining": remaining}


def unsubscribe(writer: EffectWriter, effect: fx.Unsubscribe) -> None:
    writer.batch.run()
    EventSubscription.objects.filter(instance=writer.instance, token_id=effect.token_id).delete()
    Job.objects.filter(
        instance=writer.instance, token_id=effect.token_id, kind=Job.Kind.TIMER
    ).delete()


def throw_signal(writer: EffectWriter, effect: fx.ThrowSignal) -> None:
    from bpmn_engine.services.events.signals import signal_broadcast

    name, variables = effect.name, dict(effect.variables)
    writer.add_history("signal_thrown", element_id=effect.element_id, name=name)
    own = writer.instance.pk  # the interpreter already delivered it inside the thrower
    transaction.on_commit(
        lambda: _deliver(signal_broadcast, name=name, variables=variables, exclude_instance=own)
    )


def send_message(writer: EffectWriter, effect: fx.SendMessage) -> None:
    from bpmn_engine.services.events.messages import message_send_from

    instance_id, element_id = writer.instance.pk, effect.element_id
    name, variables = effect.name, dict(effect.variables)
    writer.add_history("message_sent", element_id=element_id, name=name)
    transaction.on_commit(
        lambda: message_send_from(
            instance_id=instance_id, element_id=element_id, name=name, variables=variables
        )
    )


def _deliver(action: object, **kwargs: object) -> None:
    try:
        action(**kwargs)  # type: ignore[operator]
    except Exception:  # a failed delivery must not undo the committed throw
        logger.exception("Delivering %s failed", kwargs)


def _has_listeners(instance_definition_id: int) -> bool:
    from bpmn_engine.interpreter.event_index import event_index
    from bpmn_engine.services.models_cache import definition_model

    index = event_index(definition_model(instance_definition_id))
    return bool(index.listening or index.event_starts)


def scopes_removed(instance: ProcessInstance, scope_ids: set[str]) -> None:
    """Listeners of event subprocesses are keyed by their scope: they go with it."""
    if not scope_ids or not _has_listeners(instance.definition_id):
        return
    EventSubscription.objects.filter(instance=instance, token_id__in=scope_ids).delete()
    Job.objects.filter(instance=instance, token_id__in=scope_ids, kind=Job.Kind.TIMER).delete()


def instance_ended(writer: EffectWriter) -> None:
    """An ended instance listens for nothing any more."""
    if not _has_listeners(writer.instance.definition_id):
        return
    writer.batch.run()
    EventSubscription.objects.filter(instance=writer.instance).delete()
    Job.objects.filter(instance=writer.instance, kind=Job.Kind.TIMER).delete()
