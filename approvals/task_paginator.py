"""A paginator whose total is a bounded count (``task_counts``), not a full count.

Django's ``Paginator`` counts every row to number the pages. The inbox counts only up
to a limit that covers the page asked for (``max(COUNT_LIMIT, page * per_page)``), so
a total above the limit is "more than" and the last page number is not known: the
template then says "Page 3 of more than 50" and keeps the *Next* link.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from approvals.task_counts import TaskCount

if TYPE_CHECKING:
    _Paginator = Paginator[Any]
else:  # Paginator is generic only in the type stubs.
    _Paginator = Paginator


class BoundedPaginator(_Paginator):
    """``count`` is the bounded count given; with ``total.more`` there is always a page
    after the ones the count covers."""

    def __init__(self, object_list: Any, per_page: int, total: TaskCount) -> None:
        super().__init__(object_list, per_page)
        self.total = total

    @cached_property
    def count(self) -> int:
        """The bounded count; one more than the limit when there are more, so the page
        after the ones the count covers exists."""
        return self.total.value + (1 if self.total.more else 0)

    @property
    def pages_known(self) -> int:
        """Whole pages the count covers (the "50" of "more than 50")."""
        return self.total.value // self.per_page
