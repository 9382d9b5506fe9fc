"""Task page actions beyond claim and complete: delegate, resolve, comment.

Each is a POST that calls one service and redirects back to the task with a message; a
task completed meanwhile gives the same clear message as a double submission.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from approvals.forms import CommentForm, DelegateForm
from approvals.selectors import TaskPage
from bpmn_engine.services.comments import task_comment_add
from bpmn_engine.services.errors import Conflict, InvalidInput, NotFound, NotPermitted
from bpmn_engine.services.tasks import task_delegate, task_resolve

PEOPLE_LIMIT = 500


def _current(request: HttpRequest) -> Any:
    """The signed-in user (``login_required`` guarantees one)."""
    return request.user


def task_context(page: TaskPage, form: Any) -> dict[str, Any]:
    """Everything ``task_detail.html`` shows besides the page itself."""
    people: list[str] = []
    if page.can_act:
        users = get_user_model().objects.filter(is_active=True).order_by("username")
        people = [u.get_username() for u in users[:PEOPLE_LIMIT]]
    return {
        "page": page,
        "form": form,
        "delegate_form": DelegateForm(),
        "comment_form": CommentForm(),
        "people": people,
        "diagram_marks": page.diagram.as_json() if page.diagram else None,
        "diagram_xml": page.instance.definition.deployment.xml,
    }


def _run(request: HttpRequest, task_id: int, call: Callable[[], Any], done: str) -> HttpResponse:
    """Call a service; map its domain errors to a message on the task page (or a 404)."""
    try:
        call()
    except NotFound:
        raise Http404 from None
    except NotPermitted as exc:
        messages.error(request, str(exc))
    except Conflict as exc:
        messages.error(request, _("This task changed meanwhile: %(reason)s") % {"reason": exc})
    except InvalidInput as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect("approvals:task", task_id=task_id)


@require_POST
@login_required
def task_delegate_view(request: HttpRequest, task_id: int) -> HttpResponse:
    form = DelegateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the person to delegate to."))
        return redirect("approvals:task", task_id=task_id)
    name = form.cleaned_data["to_user"]
    to_user = get_user_model().objects.filter(username=name, is_active=True).first()
    if to_user is None:
        messages.error(request, _("There is no user called “%(name)s”.") % {"name": name})
        return redirect("approvals:task", task_id=task_id)

    def call() -> Any:
        return task_delegate(task_id=task_id, user=_current(request), to_user=to_user)

    return _run(request, task_id, call, _("Delegated to %(name)s.") % {"name": name})


@require_POST
@login_required
def task_resolve_view(request: HttpRequest, task_id: int) -> HttpResponse:
    def call() -> Any:
        return task_resolve(task_id=task_id, user=_current(request))

    return _run(request, task_id, call, _("Handed back to the owner."))


@require_POST
@login_required
def task_comment_view(request: HttpRequest, task_id: int) -> HttpResponse:
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a comment first."))
        return redirect("approvals:task", task_id=task_id)

    def call() -> Any:
        return task_comment_add(
            task_id=task_id, user=_current(request), text=form.cleaned_data["text"]
        )

    return _run(request, task_id, call, _("Comment added."))
