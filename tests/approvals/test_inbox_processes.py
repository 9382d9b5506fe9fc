"""The process filter lists the processes with tasks in any of the user's views: open
tasks of running instances, and the tasks the user completed, also of ended ones."""

from __future__ import annotations

import re
from typing import Any

import pytest

from approvals.inbox_processes import definitions_running
from bpmn_engine.models import ProcessInstance
from tests.approvals.helpers import open_task

pytestmark = pytest.mark.django_db


def _process_choices(page: str) -> list[str]:
    select = page.split('name="process"')[1].split("</select>")[0]
    return [name for value, name in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)', select)]


def test_the_process_filter_lists_only_processes_with_tasks_in_a_view(
    login: Any, review: Any, purchase_request: Any, people: dict[str, Any]
) -> None:
    from bpmn_engine.services.instances import instance_start

    instance = instance_start(definition=review, business_key="DOC-1", user=people["alice"])
    bob = login("bob")
    assert _process_choices(bob.get("/").content.decode()) == ["All processes", review.label]
    assert _process_choices(login("carol").get("/").content.decode()) == ["All processes"]
    # Once bob completed the only task the instance ended: still listed, for *Completed*.
    bob.post(f"/tasks/{open_task(instance.pk).pk}/", {"approved": "true"})
    instance.refresh_from_db()
    assert instance.ended_at is not None
    assert definitions_running() == []
    assert _process_choices(bob.get("/").content.decode()) == ["All processes", review.label]
    assert _process_choices(login("bella").get("/").content.decode()) == ["All processes"]


def test_definitions_running_names_each_definition_with_an_active_or_suspended_instance(
    review: Any, purchase_request: Any, people: dict[str, Any]
) -> None:
    from bpmn_engine.services.instances import instance_start

    for key in ("A", "B"):
        instance_start(definition=review, business_key=key, user=people["alice"])
    assert definitions_running() == [review.pk]
    ProcessInstance.objects.update(state=ProcessInstance.State.SUSPENDED)
    assert definitions_running() == [review.pk]
    ProcessInstance.objects.update(state=ProcessInstance.State.COMPLETED)
    assert definitions_running() == []
