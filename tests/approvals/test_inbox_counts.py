"""The inbox page's cost and its bounded counts: a fixed number of queries whatever the
number of tasks, and counts that stop at a limit and say so ("1,000+")."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from approvals import inbox, task_counts
from approvals.task_counts import TaskCount
from bpmn_engine.models import UserTask
from tests.approvals.helpers import open_task

pytestmark = pytest.mark.django_db

PAGE_QUERIES = 11
"""Session, user, the engine inbox (groups, rule index), the four counts in one, the
process filter, the test clock, the rows, the requests: none of them per task. (A
diagram with four-eyes rules adds the two rule queries of ``inbox_without_refused``.)"""


@pytest.fixture
def start(review: Any, people: dict[str, Any]) -> Callable[[str], UserTask]:
    from bpmn_engine.services.instances import instance_start

    def run(key: str) -> UserTask:
        instance = instance_start(definition=review, business_key=key, user=people["alice"])
        return open_task(instance.pk)

    return run


def _count_of(page: str, label: str) -> str:
    found = re.search(rf'{label} <span class="count"[^>]*>([^<]*)</span>', page)
    assert found, label
    return found.group(1)


@pytest.mark.parametrize("tasks", [2, 30])
def test_the_inbox_page_runs_the_same_few_queries_for_one_task_or_many(
    login: Any, start: Any, tasks: int, django_assert_max_num_queries: Any
) -> None:
    for number in range(tasks):
        start(f"DOC-{number:02d}")
    bob, alice = login("bob"), login("alice")
    claimed = UserTask.objects.filter(state=UserTask.State.OPEN).order_by("pk").first()
    assert claimed is not None
    bob.post(f"/tasks/{claimed.pk}/claim/")
    for client, path in ((bob, "/"), (bob, "/inbox/group/"), (alice, "/inbox/involved/")):
        with django_assert_max_num_queries(PAGE_QUERIES):
            page = client.get(path).content.decode()
        assert "Review the document" in page, path


def test_counts_above_the_limit_show_the_limit_and_a_plus(
    login: Any, start: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three group tasks, counted with a limit of 2 and pages of 1: the tabs, the badge,
    the caption and the pager say "more than 2" rather than a number nobody counted."""
    for number in range(3):
        start(f"DOC-{number}")
    monkeypatch.setattr(task_counts, "COUNT_LIMIT", 2)
    monkeypatch.setattr(inbox, "PAGE_SIZE", 1)
    bob = login("bob")
    first = bob.get("/inbox/group/").content.decode()
    assert _count_of(first, "Group tasks") == "2+"
    assert _count_of(first, "My tasks") == "0"
    assert 'aria-label="More than 2 open tasks">2+</span>' in first
    assert "<caption>More than 2 tasks</caption>" in first
    assert "Page 1 of more than 2" in first and 'rel="next"' in first
    last = bob.get("/inbox/group/?page=3").content.decode()
    assert "Page 3 of 3" in last and 'rel="next"' not in last
    assert "<caption>3 tasks</caption>" in last
    beyond = bob.get("/inbox/group/?page=9").content.decode()
    assert "Page 3 of 3" in beyond
    mine = bob.get("/").content.decode()
    assert "More than 2 tasks wait in your groups’ queue:" in mine


def test_counts_within_the_limit_are_exact_and_the_badge_is_their_sum(
    login: Any, start: Any
) -> None:
    first, _second = start("DOC-1"), start("DOC-2")
    bob = login("bob")
    bob.post(f"/tasks/{first.pk}/claim/")
    page = bob.get("/inbox/group/").content.decode()
    assert (_count_of(page, "My tasks"), _count_of(page, "Group tasks")) == ("1", "1")
    assert 'aria-label="2 open tasks">2</span>' in page
    # Another page counts the badge itself, bounded the same way.
    task_page = bob.get(f"/tasks/{first.pk}/").content.decode()
    assert 'aria-label="2 open tasks">2</span>' in task_page


def test_a_sum_of_bounded_counts_stays_honest(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(task_counts, "COUNT_LIMIT", 10)
    assert TaskCount(3) + TaskCount(4) == TaskCount(7)
    assert TaskCount(6) + TaskCount(5) == TaskCount(10, more=True)
    assert TaskCount(0) + TaskCount(10, more=True) == TaskCount(10, more=True)
    assert not TaskCount(0) and TaskCount(0, more=True)


def test_a_bounded_count_reads_in_the_page_language() -> None:
    from django.utils import translation

    from approvals.templatetags.approvals_extras import task_count

    with translation.override("en"):
        assert task_count(TaskCount(1000, more=True)) == "1,000+"
    with translation.override("de"):
        assert task_count(TaskCount(1000, more=True)) == "1.000+"
        assert task_count(TaskCount(12)) == "12"
