"""A subprocess's data object on the database: a variable of the subprocess's scope row
while it runs, gone with the row, never written to the process scope."""

from __future__ import annotations

from typing import Any

import pytest

from bpmn_engine.models import Scope, UserTask
from bpmn_engine.services.instances import instance_start
from bpmn_engine.services.tasks import task_complete

pytestmark = pytest.mark.django_db


def test_a_subprocess_data_object_lives_in_the_subprocess_scope_row(
    deployed: Any, make_user: Any
) -> None:
    admin = make_user("admin", superuser=True)
    instance = instance_start(definition=deployed("data/subprocess_data_object"))
    inner = Scope.objects.get(instance=instance, parent_id__isnull=False)
    assert inner.variables == {"parcel": "wrapped"}
    root = Scope.objects.get(instance=instance, parent_id__isnull=True)
    assert root.variables == {"total": 3}

    inspect = UserTask.objects.get(instance=instance, element_id="Inspect")
    task_complete(task_id=inspect.pk, user=admin)
    assert list(Scope.objects.filter(instance=instance).values_list("variables", flat=True)) == [
        {"total": 3}
    ]
