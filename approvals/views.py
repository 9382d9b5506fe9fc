"""The plain pages: task list, start a process, a task, an instance.

Each view checks permission, validates a form, calls one service or selector and
renders. Domain errors map to pages a person understands: ``Conflict`` to a message and a
redirect, ``NotPermitted``/``NotFound`` to a 404 that does not say whether the thing
exists.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from approvals.forms import BusinessKeyForm, DecisionForm, VariablesForm, form_class_for
from approvals.selectors import (
    TaskPage,
    instance_page,
    start_page,
    startable_by_group,
    task_page,
)
from approvals.views_task import task_context
from bpmn_engine.selectors import definitions_startable
from bpmn_engine.services.errors import Conflict, InvalidInput, NotFound, NotPermitted
from bpmn_engine.services.instances import instance_start
from bpmn_engine.services.tasks import (
    task_claim,
    task_complete,
    task_resolve,
    task_save_draft,
    task_unclaim,
)

HIDDEN = (NotFound, NotPermitted)
"""Errors shown as 404: a user who may not see a thing must not learn that it exists."""


def _user(request: HttpRequest) -> Any:
    """The signed-in user (``login_required`` guarantees one)."""
    return request.user


@require_GET
@login_required
def start_list(request: HttpRequest) -> HttpResponse:
    definitions = definitions_startable(user=_user(request))
    context = {
        "definitions": definitions,
        "groups": startable_by_group(definitions, _user(request)),
    }
    return render(request, "approvals/start_list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def start_form(request: HttpRequest, definition_id: int) -> HttpResponse:
    try:
        page = start_page(definition_id=definition_id, user=_user(request))
    except HIDDEN:
        raise Http404 from None
    form_class = form_class_for(page.fields)
    if request.method != "POST":
        context = {"page": page, "form": form_class(), "key_form": BusinessKeyForm()}
        return render(request, "approvals/start_form.html", context)
    form, key_form = form_class(request.POST), BusinessKeyForm(request.POST)
    if form.is_valid() and key_form.is_valid():
        try:
            instance = instance_start(
                definition=page.definition,
                variables=form.variables(),
                business_key=key_form.cleaned_data["business_key"],
                user=_user(request),
            )
        except HIDDEN:
            raise Http404 from None
        except InvalidInput as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Your request “%(process)s” was started.") % {"process": page.definition.label},
            )
            return redirect("approvals:instance", instance_id=instance.pk)
    context = {"page": page, "form": form, "key_form": key_form}
    return render(request, "approvals/start_form.html", context, status=400)


def _task_form(page: TaskPage, data: Any = None) -> VariablesForm:
    """The diagram's form for the task, or the approve/reject form when it has none.

    A saved draft fills the form in; read-only fields show the instance's current value.
    """
    draft = page.task.draft or {}
    if not page.fields:
        return DecisionForm(data, initial=draft)
    initial = {f.id: page.variables[f.id] for f in page.fields if f.readonly}
    initial = {k: v for k, v in initial.items() if k in page.variables}
    return form_class_for(page.fields)(data, initial={**draft, **initial})


@require_http_methods(["GET", "POST"])
@login_required
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    """The task and its form; POST completes it."""
    if request.method == "POST":
        return _task_complete(request, task_id)
    try:
        page = task_page(task_id=task_id, user=_user(request))
    except HIDDEN:
        raise Http404 from None
    form = _task_form(page) if page.can_act else None
    return render(request, "approvals/task_detail.html", task_context(page, form))


def _task_complete(request: HttpRequest, task_id: int) -> HttpResponse:
    try:
        page = task_page(task_id=task_id, user=_user(request))
    except HIDDEN:
        raise Http404 from None
    if page.task.state != page.task.State.OPEN:
        return _already_completed(request)
    if not page.can_act:
        if page.refusal:
            text = page.refusal
        elif page.task.assignee:
            text = _("This task is claimed by %(user)s.") % {"user": page.task.assignee}
        else:
            text = _("You can follow this task, but it is not yours to complete.")
        messages.error(request, text)
        return redirect("approvals:task", task_id=task_id)
    form = _task_form(page, request.POST)
    if request.POST.get("action") == "draft":
        return _save_draft(request, page, form)
    if request.POST.get("action") == "resolve":
        return _resolve(request, page, form)
    if not form.is_valid():
        return render(request, "approvals/task_detail.html", task_context(page, form), status=400)
    try:
        task_complete(task_id=task_id, user=_user(request), variables=form.variables())
    except NotFound:
        raise Http404 from None
    except NotPermitted as exc:
        messages.error(request, str(exc))
        return redirect("approvals:task", task_id=task_id)
    except Conflict:
        return _already_completed(request)
    except InvalidInput as exc:
        form.add_error(None, str(exc))
        return render(request, "approvals/task_detail.html", task_context(page, form), status=400)
    messages.success(request, _("Task “%(task)s” completed.") % {"task": page.task.name})
    return redirect("approvals:tasks")


def _save_draft(request: HttpRequest, page: TaskPage, form: VariablesForm) -> HttpResponse:
    """Keep what was typed so far, as typed: a draft need not be valid yet."""
    values = {name: request.POST.get(name, "") for name in form.fields}
    try:
        task_save_draft(task_id=page.task.pk, user=_user(request), values=values)
    except NotFound:
        raise Http404 from None
    except NotPermitted as exc:
        messages.error(request, str(exc))
    except Conflict:
        return _already_completed(request)
    else:
        messages.success(request, _("Draft saved. You can finish it later."))
    return redirect("approvals:task", task_id=page.task.pk)


def _resolve(request: HttpRequest, page: TaskPage, form: VariablesForm) -> HttpResponse:
    """The delegate hands the task back; what they filled in becomes the owner's draft."""
    values = {name: request.POST.get(name, "") for name in form.fields}
    try:
        task_resolve(task_id=page.task.pk, user=_user(request), variables=values)
    except NotFound:
        raise Http404 from None
    except (NotPermitted, Conflict) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Handed back to %(name)s.") % {"name": page.task.owner})
        return redirect("approvals:tasks")
    return redirect("approvals:task", task_id=page.task.pk)


def _already_completed(request: HttpRequest) -> HttpResponse:
    messages.error(request, _("This task was already completed by someone else."))
    return redirect("approvals:tasks")


@require_POST
@login_required
def task_claim_view(request: HttpRequest, task_id: int) -> HttpResponse:
    try:
        task = task_claim(task_id=task_id, user=_user(request))
    except NotFound:
        raise Http404 from None
    except NotPermitted as exc:
        messages.error(request, str(exc))
        return redirect("approvals:task", task_id=task_id)
    except Conflict:
        messages.error(request, _("Someone else claimed or completed this task first."))
        return redirect("approvals:tasks")
    messages.success(request, _("You claimed “%(task)s”.") % {"task": task.name})
    return redirect("approvals:task", task_id=task_id)


@require_POST
@login_required
def task_unclaim_view(request: HttpRequest, task_id: int) -> HttpResponse:
    try:
        task = task_unclaim(task_id=task_id, user=_user(request))
    except HIDDEN:
        raise Http404 from None
    except Conflict:
        return _already_completed(request)
    messages.success(request, _("You gave “%(task)s” back to the group.") % {"task": task.name})
    return redirect("approvals:task", task_id=task_id)


@require_GET
@login_required
def instance_detail(request: HttpRequest, instance_id: int) -> HttpResponse:
    try:
        page = instance_page(instance_id=instance_id, user=_user(request))
    except HIDDEN:
        raise Http404 from None
    context = {
        "page": page,
        "diagram_marks": page.diagram.as_json() if page.diagram else None,
        "diagram_xml": page.instance.definition.deployment.xml,
    }
    return render(request, "approvals/instance_detail.html", context)
