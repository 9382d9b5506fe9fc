"""Write-side operations the API needs that ``bpmn_engine/services`` does not offer yet.

``instance_variables_set`` belongs in ``bpmn_engine/services/instances.py``; it lives here
only while that package is being rewritten, and should move there unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from bpmn_engine import clock
from bpmn_engine.interpreter import Interpreter
from bpmn_engine.interpreter.effects import Effect
from bpmn_engine.interpreter.errors import ModificationError
from bpmn_engine.interpreter.state import InstanceState
from bpmn_engine.models import HistoryEvent, Job, ProcessInstance, Scope
from bpmn_engine.services.errors import Conflict, InvalidInput, NotFound
from bpmn_engine.services.identity import username_of
from bpmn_engine.services.runtime import check_variables, instance_step, lock_instance


def instance_variables_set(
    *,
    instance_id: int,
    variables: Mapping[str, Any] | None,
    replace: bool = False,
    user: AbstractBaseUser | None = None,
) -> dict[str, Any]:
    """Write the instance's root-scope variables and return them all.

    ``replace`` makes the given variables the whole set (PUT); otherwise they are merged
    over the current ones by name (PATCH; a ``null`` value is stored as null, not removed).
    The write happens under the instance lock, so it cannot interleave with a step that
    read the old values; the instance ``version`` moves on and a ``variables_set`` history
    event records the names (not the values) set and removed.
    """
    values = check_variables(variables)
    with transaction.atomic():
        instance = lock_instance(instance_id)
        if not instance.is_active:
            raise Conflict(
                f"Process instance {instance_id} is {instance.get_state_display().lower()}: "
                "its variables can no longer change"
            )
        scope = Scope.objects.select_for_update().get(instance=instance, parent_id__isnull=True)
        current: dict[str, Any] = dict(scope.variables)
        updated = values if replace else {**current, **values}
        scope.variables = updated
        scope.save(update_fields=["variables"])
        instance.version += 1
        instance.save(update_fields=["version"])
        HistoryEvent.objects.create(
            instance=instance,
            event="variables_set",
            element_id=scope.element_id,
            user=username_of(user),
            data={
                "mode": "replace" if replace else "merge",
                "set": sorted(values),
                "removed": sorted(set(current) - set(updated)),
            },
            timestamp=clock.now(),
        )
    return dict(updated)


def instance_modify(
    *,
    instance_id: int,
    cancel_token_ids: Sequence[str] = (),
    start_before: Sequence[str] = (),
    user: AbstractBaseUser | None = None,
) -> ProcessInstance:
    """Token modification (an operator repair): cancel tokens (closing their open task,
    job or subscriptions) and start new tokens before elements of the process's top level,
    in one step under the instance lock.

    Cancelling every token without starting one is refused: that is a cancellation.
    """
    if not cancel_token_ids and not start_before:
        raise InvalidInput("Give tokens to cancel (cancelTokens) or elements to start before")
    token_ids = [token_id.replace("-", "") for token_id in cancel_token_ids]

    def modify(interpreter: Interpreter, state: InstanceState) -> list[Effect]:
        try:
            return interpreter.modify(state, cancel_token_ids=token_ids, start_before=start_before)
        except ModificationError as exc:
            raise InvalidInput(f"{exc} (instance {instance_id})") from exc

    with transaction.atomic():
        result = instance_step(instance_id, modify, user=username_of(user))
    return result.instance


def deployment_delete(*, deployment_id: int, cascade: bool, user: AbstractBaseUser) -> None:
    """Delete a deployment with its definitions, decisions and their ended instances.

    Running (active or suspended) instances refuse the deletion unless ``cascade``: then
    they are cancelled first (closing their tasks and jobs) and deleted with the rest.
    Instances are deleted explicitly because their definition is protected (a running
    instance must never lose its diagram by accident).
    """
    from bpmn_engine.models import Deployment
    from bpmn_engine.services.instances import instance_cancel

    live = (ProcessInstance.State.ACTIVE, ProcessInstance.State.SUSPENDED)
    with transaction.atomic():
        deployment = Deployment.objects.select_for_update().filter(pk=deployment_id).first()
        if deployment is None:
            raise NotFound(f"Deployment {deployment_id} does not exist")
        instances = ProcessInstance.objects.filter(definition__deployment=deployment)
        running = list(instances.filter(state__in=live).values_list("pk", flat=True))
        if running and not cascade:
            raise Conflict(
                f"Deployment {deployment_id} has {len(running)} running instance(s); "
                "delete with ?cascade=true to cancel and delete them too"
            )
        for instance_id in running:
            ProcessInstance.objects.filter(
                pk=instance_id, state=ProcessInstance.State.SUSPENDED
            ).update(state=ProcessInstance.State.ACTIVE)
            instance_cancel(instance_id=instance_id, reason="deployment deleted", user=user)
        instances.delete()
        deployment.delete()


def job_set_due_date(*, job_id: int, due_at: datetime, user: AbstractBaseUser) -> Job:
    """Move a pending timer: an operator fires it now (a due date in the past) or later.

    The sweeper picks it up at its new time; one already due is dispatched on commit.
    """
    from bpmn_engine.services.jobs import job_dispatch

    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            raise NotFound(f"Job {job_id} does not exist")
        if job.kind != Job.Kind.TIMER or job.state != Job.State.PENDING:
            raise Conflict(f"Job {job_id} is not a pending timer: only timers have a due date")
        job.due_at = due_at
        job.dispatched_at = None
        job.save(update_fields=["due_at", "dispatched_at"])
        if job.instance_id is not None:
            HistoryEvent.objects.create(
                instance_id=job.instance_id,
                event="timer_rescheduled",
                element_id=job.element_id,
                token_id=job.token_id,
                user=username_of(user),
                data={"job_id": job.pk, "due_at": due_at.isoformat()},
                timestamp=clock.now(),
            )
        if due_at <= clock.now():
            pk = job.pk
            transaction.on_commit(lambda: job_dispatch(pk, Job.Kind.TIMER))
    return job
