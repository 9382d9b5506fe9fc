"""What the diagram marks and what the timeline says, for the demo purchase request."""

from __future__ import annotations

from typing import Any

import pytest

from approvals.diagram import instance_diagram, instance_timeline
from tests.approvals.helpers import open_task

pytestmark = pytest.mark.django_db


def test_waiting_request_marks_the_token_the_done_steps_and_the_path(start_purchase: Any) -> None:
    instance = start_purchase(amount=2500)
    marks = instance_diagram(instance)
    assert marks.active == ["Task_ManagerApproval"]
    assert marks.completed == ["StartEvent_RequestSubmitted", "Task_CheckBudget"]
    assert marks.flows == ["Flow_ToCheckBudget", "Flow_ToManagerApproval"]


def test_timeline_has_the_decisions_with_their_comments_and_the_end(
    login: Any, start_purchase: Any
) -> None:
    """Only the human events: started, claimed, approved (with the comment), ended."""
    from tests.approvals.helpers import run_jobs

    instance = start_purchase(amount=300)
    bob = login("bob")
    task = open_task(instance.pk)
    bob.post(f"/tasks/{task.pk}/claim/")
    bob.post(f"/tasks/{task.pk}/", {"approved": "false", "comment": "Not now"})
    run_jobs(instance.pk)
    story = [(e.who, e.what, e.kind, e.detail) for e in instance_timeline(instance)]
    assert story == [
        ("alice", "Started the request", "started", ""),
        ("bob", "Claimed", "claimed", ""),
        ("bob", "Rejected", "rejected", "Not now"),
        ("", "Ended: Request rejected", "ended", ""),
    ]
    marks = instance_diagram(instance)
    assert marks.active == []
    assert "Flow_ManagerNo" in marks.flows and "Flow_ManagerYes" not in marks.flows
    assert "EndEvent_RequestRejected" in marks.completed
