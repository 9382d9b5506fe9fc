"""Write-side operations the API needs that ``bpmn_engine/services`` does not offer yet.

``instance_variables_set`` belongs in ``bpmn_engine/services/instances.py``; it lives here
only while that package is being rewritten, and should move there unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from bpmn_engine import clock
from bpmn_engine.models import HistoryEvent, Scope
from bpmn_engine.services.errors import Conflict
from bpmn_engine.services.identity import username_of
from bpmn_engine.services.runtime import check_variables, lock_instance


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
