"""The inbox views: who sees which task where, search, filters, sort, pages, counts."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest

from bpmn_engine import clock
from bpmn_engine.models import UserTask
from tests.approvals.helpers import open_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def start(review: Any, people: dict[str, Any]) -> Callable[..., UserTask]:
    """Start a review as alice with a business key; returns its open task."""
    from bpmn_engine.services.instances import instance_start

    def run(key: str) -> UserTask:
        instance = instance_start(definition=review, business_key=key, user=people["alice"])
        return open_task(instance.pk)

    return run


def _rows(page: str) -> list[str]:
    """The business keys of the task table's rows, in order."""
    import re

    return re.findall(r'<td data-label="Business key">([^<]*)</td>', page.split("My requests")[0])


def test_each_view_holds_the_tasks_it_names_and_counts_them(login: Any, start: Any) -> None:
    """bob claims one of two: it moves from Group tasks to My tasks; alice follows both
    under Involved; once completed it is under bob's Completed by me."""
    first, _second = start("DOC-1"), start("DOC-2")
    bob = login("bob")
    bob.post(f"/tasks/{first.pk}/claim/")
    assert _rows(bob.get("/").content.decode()) == ["DOC-1"]
    group = bob.get("/inbox/group/").content.decode()
    assert _rows(group) == ["DOC-2"]
    assert 'My tasks <span class="count">1</span>' in group
    assert 'Group tasks <span class="count">1</span>' in group
    assert _rows(login("alice").get("/inbox/involved/").content.decode()) == ["DOC-1", "DOC-2"]
    assert _rows(bob.get("/inbox/involved/").content.decode()) == []
    bob.post(f"/tasks/{first.pk}/", {"approved": "true"})
    assert _rows(bob.get("/inbox/completed/").content.decode()) == ["DOC-1"]
    assert _rows(bob.get("/").content.decode()) == []


def test_a_user_outside_the_candidate_groups_sees_no_task_in_any_view(
    login: Any, start: Any
) -> None:
    start("DOC-1")
    carol = login("carol")
    for view in ("mine", "group", "involved", "completed"):
        assert _rows(carol.get(f"/inbox/{view}/").content.decode()) == [], view


def test_unknown_view_is_404(login: Any) -> None:
    assert login("bob").get("/inbox/everything/").status_code == 404


def test_search_matches_the_business_key_task_and_process_name(login: Any, start: Any) -> None:
    start("INV-7"), start("DOC-8")
    bob = login("bob")
    assert _rows(bob.get("/inbox/group/?q=inv").content.decode()) == ["INV-7"]
    both = _rows(bob.get("/inbox/group/?q=review+the").content.decode())
    assert sorted(both) == ["DOC-8", "INV-7"]
    page = bob.get("/inbox/group/?q=nothing-like-it").content.decode()
    assert "No task matches this search." in page


def test_priority_filter_and_sort(login: Any, start: Any) -> None:
    low, high, normal = start("LOW"), start("HIGH"), start("NORMAL")
    UserTask.objects.filter(pk=low.pk).update(priority=10)
    UserTask.objects.filter(pk=high.pk).update(priority=90)
    bob = login("bob")
    assert _rows(bob.get("/inbox/group/?sort=priority").content.decode()) == [
        "HIGH",
        "NORMAL",
        "LOW",
    ]
    assert _rows(bob.get("/inbox/group/?priority=high").content.decode()) == ["HIGH"]
    assert _rows(bob.get("/inbox/group/?priority=low").content.decode()) == ["LOW"]
    assert normal.priority == 50


def test_due_date_range_filter_and_overdue_mark(login: Any, start: Any) -> None:
    """A task past its due date (by the engine clock) is marked overdue; the range
    filter takes whole days."""
    soon, later = start("SOON"), start("LATER")
    today = clock.now()
    UserTask.objects.filter(pk=soon.pk).update(due_at=today + datetime.timedelta(hours=1))
    UserTask.objects.filter(pk=later.pk).update(due_at=today + datetime.timedelta(days=10))
    bob = login("bob")
    day = (today + datetime.timedelta(days=10)).date().isoformat()
    assert _rows(bob.get(f"/inbox/group/?due_from={day}&due_to={day}").content.decode()) == [
        "LATER"
    ]
    assert "Overdue" not in bob.get("/inbox/group/").content.decode()
    clock.advance(2 * 3600)
    page = bob.get("/inbox/group/?sort=due").content.decode()
    assert _rows(page) == ["SOON", "LATER"]
    assert page.count('<span class="pill pill-overdue">Overdue</span>') == 1


def test_an_invalid_filter_value_is_ignored_not_an_error(login: Any, start: Any) -> None:
    start("DOC-1")
    response = login("bob").get("/inbox/group/?due_from=yesterday&sort=sideways")
    assert response.status_code == 200
    assert _rows(response.content.decode()) == ["DOC-1"]


def test_pages_of_twenty_keep_the_search(login: Any, start: Any) -> None:
    for number in range(23):
        start(f"DOC-{number:02d}")
    bob = login("bob")
    first = bob.get("/inbox/group/?sort=oldest&q=DOC").content.decode()
    assert len(_rows(first)) == 20
    assert "Page 1 of 2" in first
    assert 'href="?sort=oldest&amp;q=DOC&amp;page=2"' in first
    second = bob.get("/inbox/group/?sort=oldest&q=DOC&page=2").content.decode()
    assert _rows(second) == ["DOC-20", "DOC-21", "DOC-22"]
