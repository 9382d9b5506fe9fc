"""The inbox pages: the four task views with search/filter/sort, and bulk decisions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from approvals.filters import InboxFilterForm
from approvals.forms import BulkDecisionForm
from approvals.inbox import VIEWS, UserInbox, inbox_counts, inbox_page
from approvals.inbox_processes import inbox_processes
from approvals.selectors import recent_requests
from bpmn_engine import clock
from bpmn_engine.models import UserTask
from bpmn_engine.services.errors import InvalidInput
from bpmn_engine.services.tasks import task_can_see, task_is_candidate, tasks_complete_bulk


def _current(request: HttpRequest) -> Any:
    """The signed-in user (``login_required`` guarantees one)."""
    return request.user


def _visible_task_names(ids: list[int], user: Any) -> dict[int, str]:
    """Names of the tasks the user may see; any other id is shown as a bare number, like
    an id that does not exist (the page must not name someone else's task)."""
    rows = UserTask.objects.filter(pk__in=ids).select_related("instance")
    return {
        task.pk: task.name
        for task in rows.prefetch_related("candidates")
        if task_can_see(task, user) or task_is_candidate(task, user)
    }


@require_GET
@login_required
def inbox(request: HttpRequest, view: str = "mine") -> HttpResponse:
    """One inbox view; the filter form is a GET form, so a search is a link to share.

    The page's queries do not depend on how many tasks it shows: the engine's inbox is
    built once, the four navigation counts are one bounded query that the header badge
    and the page's total reuse, and the rows come with their instance and definition.
    """
    if view not in VIEWS:
        raise Http404
    user: Any = request.user
    inbox_of_user = UserInbox.of(user)
    counts = inbox_counts(inbox_of_user)
    form = InboxFilterForm(request.GET, processes=inbox_processes(inbox_of_user))
    page = inbox_page(inbox_of_user, form.query(view), request.GET.get("page"), counts)
    now = clock.now()
    for task in page.object_list:
        task.is_overdue = task.state == task.State.OPEN and bool(task.due_at and task.due_at < now)  # type: ignore[attr-defined]
    params = request.GET.copy()
    params.pop("page", None)
    bulk = view in ("mine", "group") and page.object_list
    context = {
        "view": view,
        "view_label": VIEWS[view],
        "views": [(key, label, counts[key]) for key, label in VIEWS.items()],
        "counts": counts,
        "form": form,
        "page": page,
        "query_string": params.urlencode(),
        "requests": recent_requests(user=user),
        "bulk_form": BulkDecisionForm() if bulk else None,
    }
    return render(request, "approvals/inbox.html", context)


@require_POST
@login_required
def bulk_complete(request: HttpRequest) -> HttpResponse:
    """One decision for many tasks: each is completed (and audited) on its own, and the
    page lists what happened to each, so one conflict does not hide the others."""
    form = BulkDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose at least one task and a decision."))
        return redirect("approvals:tasks")
    ids = form.cleaned_data["task_ids"]
    try:
        outcomes = tasks_complete_bulk(
            task_ids=ids, user=_current(request), variables=form.variables()
        )
    except InvalidInput as exc:
        messages.error(request, str(exc))
        return redirect("approvals:tasks")
    names = _visible_task_names(ids, _current(request))
    rows = [(names.get(outcome.task_id, outcome.task_id), outcome) for outcome in outcomes]
    done = sum(1 for outcome in outcomes if outcome.completed)
    return render(request, "approvals/bulk_result.html", {"rows": rows, "done": done})
