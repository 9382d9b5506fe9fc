"""Template filters for showing process data as data: escaped text, never markup."""

from __future__ import annotations

import json
import re
from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from approvals.task_counts import TaskCount, bounded_count

register = template.Library()


@register.filter
def as_value(value: Any) -> str:
    """A variable's value for people: Yes/No, a dash for nothing, JSON for structures.

    The result is plain text, so the template escapes it like any other string.
    """
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    if value is None or value == "":
        return "—"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


@register.filter
def humanize_name(name: str) -> str:
    """A variable name for people: ``budgetAvailable`` and ``cost_center`` read as
    "Budget available" and "Cost center" (the name itself stays in the title)."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", str(name)).replace("_", " ").split()
    text = " ".join(words).lower()
    return text[:1].upper() + text[1:]


@register.simple_tag(takes_context=True)
def open_task_count(context: Any, user: Any) -> TaskCount:
    """Open tasks for the header badge: mine plus my groups' unclaimed ones, bounded
    like the inbox's counts ("1,000+").

    The inbox page has counted both views already (``counts``, which split the engine's
    inbox exactly), so it reuses them rather than counting the inbox a second time."""
    from bpmn_engine.selectors import user_task_inbox

    if not getattr(user, "is_authenticated", False):
        return TaskCount(0)
    counts = context.get("counts")
    if isinstance(counts, dict) and "mine" in counts and "group" in counts:
        mine, group = counts["mine"], counts["group"]
        if isinstance(mine, TaskCount) and isinstance(group, TaskCount):
            return mine + group
    return bounded_count(user_task_inbox(user=user))


@register.filter
def task_count(count: TaskCount | int) -> str:
    """A count for people, grouped by the language's rule: "1,000+" (``1.000+`` in
    German) for a bounded count that stopped at its limit."""
    if isinstance(count, TaskCount):
        shown = number_format(count.value, force_grouping=True)
        return f"{shown}+" if count.more else shown
    return number_format(count, force_grouping=True)


@register.filter
def overdue(task: Any) -> bool:
    from approvals.inbox import is_overdue

    return is_overdue(task)


UI_LANGUAGES = (("en", "English"), ("de", "Deutsch"))
"""The languages the approvals pages are translated into (approvals/locale/), each named
in itself so a reader finds their own."""


@register.simple_tag
def ui_languages() -> tuple[tuple[str, str], ...]:
    return UI_LANGUAGES
