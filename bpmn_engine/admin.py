"""The operator's view of the engine.

Definitions and runtime rows are read-only here: a row edited by hand would disagree
with the interpreter's state, so operators act only through services - upload a diagram
(``definition_deploy``), cancel an instance (``instance_cancel``), retry an incident
(``incident_retry``) - which lock, validate and record history like every other caller.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bpmn_engine.models import (
    Deployment,
    HistoryEvent,
    Incident,
    Job,
    ProcessDefinition,
    ProcessInstance,
    TaskCandidate,
    Token,
    UserTask,
)
from bpmn_engine.services.deploy import DeployError, definition_deploy
from bpmn_engine.services.errors import EngineError
from bpmn_engine.services.instances import instance_cancel, instance_resume, instance_suspend
from bpmn_engine.services.jobs import incident_retry


class ReadOnlyAdminMixin:
    """View only: no add, change or delete, whatever the user's permissions."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    show_change_link = False
    can_delete = False


# --- deployments and definitions ---------------------------------------------------------


class UploadBpmnForm(forms.Form):
    file = forms.FileField(
        label=_("BPMN file"),
        help_text=_("A .bpmn file as saved by Camunda Modeler or another BPMN 2.0 tool."),
    )
    name = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=255,
        help_text=_("Optional; the name in the file, or the file name, is used otherwise."),
    )


class DefinitionInline(ReadOnlyInline):
    model = ProcessDefinition
    fields = ("key", "version", "name", "is_executable")
    readonly_fields = fields


@admin.register(Deployment)
class DeploymentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "filename", "deployed_by", "created_at", "warning_count")
    search_fields = ("name", "filename", "checksum")
    readonly_fields = (
        "name",
        "filename",
        "checksum",
        "deployed_by",
        "created_at",
        "warnings",
        "imports",
        "xml",
    )
    inlines = (DefinitionInline,)
    change_list_template = "admin/bpmn_engine/deployment/change_list.html"

    @admin.display(description=_("warnings"))
    def warning_count(self, obj: Deployment) -> int:
        return len(obj.warnings or [])

    def get_urls(self) -> list[URLPattern]:
        upload = path(
            "upload/",
            self.admin_site.admin_view(self.upload_view),
            name="bpmn_engine_deployment_upload",
        )
        return [upload, *super().get_urls()]

    def has_upload_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("bpmn_engine.add_deployment")

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra_context = {**(extra_context or {}), "can_upload": self.has_upload_permission(request)}
        return super().changelist_view(request, extra_context)

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        """Deploy an uploaded file; every refused-file issue becomes its own form error."""
        if not self.has_upload_permission(request):
            raise PermissionDenied
        bound = request.method == "POST"
        form = UploadBpmnForm(request.POST, request.FILES) if bound else UploadBpmnForm()
        if bound and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = definition_deploy(
                    data=upload.read(),
                    filename=upload.name,
                    name=form.cleaned_data["name"],
                    user=request.user,  # type: ignore[arg-type]
                )
            except DeployError as exc:
                for issue in exc.issues or (str(exc),):
                    form.add_error("file", str(issue))
            else:
                return self._deployed(request, result.deployment, result.created, result.warnings)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Upload BPMN"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/bpmn_engine/deployment/upload.html", context)

    def _deployed(
        self, request: HttpRequest, deployment: Deployment, created: bool, warnings: list[str]
    ) -> HttpResponseRedirect:
        for warning in warnings:
            self.message_user(request, warning, messages.WARNING)
        if created:
            text = gettext("Deployed “%(name)s”.")
        else:
            text = gettext("“%(name)s” is identical to a file already deployed; nothing changed.")
        self.message_user(request, text % {"name": deployment.name}, messages.SUCCESS)
        url = reverse("admin:bpmn_engine_deployment_change", args=[deployment.pk])
        return HttpResponseRedirect(url)


@admin.register(ProcessDefinition)
class ProcessDefinitionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("key", "version", "name", "is_executable", "deployment", "created_at")
    list_filter = ("is_executable",)
    search_fields = ("key", "name")
    readonly_fields = (
        "deployment",
        "key",
        "version",
        "name",
        "documentation",
        "is_executable",
        "candidate_starter_groups",
        "candidate_starter_users",
        "created_at",
    )
    change_form_template = "admin/bpmn_engine/processdefinition/change_form.html"

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """The page draws the deployed file (bpmn-js, as on the approvals pages) and marks
        the elements where this definition's instances wait now."""
        definition = self.get_object(request, object_id)
        if definition is not None:
            waiting = sorted(
                set(
                    Token.objects.filter(instance__definition=definition).values_list(
                        "element_id", flat=True
                    )
                )
            )
            extra_context = {
                **(extra_context or {}),
                "diagram_xml": definition.deployment.xml,
                "diagram_marks": {"active": waiting, "completed": [], "flows": []},
                "waiting_count": len(waiting),
            }
        return super().change_view(request, object_id, form_url, extra_context)


# --- instances and their rows ----------------------------------------------------------------


class TokenInline(ReadOnlyInline):
    model = Token
    fields = ("element_id", "state", "arrived_via", "scope_id")
    readonly_fields = fields


class UserTaskInline(ReadOnlyInline):
    model = UserTask
    fields = ("name", "element_id", "state", "assignee", "created_at", "completed_by")
    readonly_fields = fields
    show_change_link = True


class JobInline(ReadOnlyInline):
    model = Job
    fields = ("topic", "element_id", "state", "attempts", "max_attempts", "due_at", "last_error")
    readonly_fields = fields
    show_change_link = True


class IncidentInline(ReadOnlyInline):
    model = Incident
    fields = ("element_id", "state", "message", "created_at", "resolved_at")
    readonly_fields = fields
    show_change_link = True


def _report(
    modeladmin: admin.ModelAdmin[Any], request: HttpRequest, done: int, errors: list[str]
) -> None:
    for error in errors:
        modeladmin.message_user(request, error, messages.ERROR)
    if done:
        modeladmin.message_user(
            request, gettext("%(count)d done.") % {"count": done}, messages.SUCCESS
        )


@admin.register(ProcessInstance)
class ProcessInstanceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = (
        "id",
        "definition",
        "business_key",
        "state",
        "started_by",
        "started_at",
        "open_incidents",
    )
    list_filter = ("state", "definition__key")
    search_fields = ("business_key", "started_by", "definition__key")
    list_select_related = ("definition",)
    readonly_fields = (
        "definition",
        "business_key",
        "state",
        "version",
        "started_by",
        "started_at",
        "ended_at",
        "open_incidents",
    )
    inlines = (TokenInline, UserTaskInline, JobInline, IncidentInline)
    actions = ("cancel_instances", "suspend_instances", "resume_instances")

    def has_operate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("bpmn_engine.change_processinstance")

    def _each(
        self,
        request: HttpRequest,
        queryset: QuerySet[ProcessInstance],
        act: Callable[[ProcessInstance], object],
    ) -> None:
        """Act on each selected instance through a service; one refusal does not stop the
        others, and each is reported with its number."""
        done, errors = 0, []
        for instance in queryset:
            try:
                act(instance)
            except EngineError as exc:
                errors.append(f"#{instance.pk}: {exc}")
            else:
                done += 1
        _report(self, request, done, errors)

    @admin.action(description=_("Cancel the selected instances"), permissions=["operate"])
    def cancel_instances(self, request: HttpRequest, queryset: QuerySet[ProcessInstance]) -> None:
        reason = gettext("Cancelled in the admin")
        user: Any = request.user
        self._each(
            request,
            queryset,
            lambda i: instance_cancel(instance_id=i.pk, reason=reason, user=user),
        )

    @admin.action(description=_("Suspend the selected instances"), permissions=["operate"])
    def suspend_instances(self, request: HttpRequest, queryset: QuerySet[ProcessInstance]) -> None:
        user: Any = request.user
        self._each(request, queryset, lambda i: instance_suspend(instance_id=i.pk, user=user))

    @admin.action(description=_("Resume the selected instances"), permissions=["operate"])
    def resume_instances(self, request: HttpRequest, queryset: QuerySet[ProcessInstance]) -> None:
        user: Any = request.user
        self._each(request, queryset, lambda i: instance_resume(instance_id=i.pk, user=user))


class TaskCandidateInline(ReadOnlyInline):
    model = TaskCandidate
    fields = ("user", "group")
    readonly_fields = fields


@admin.register(UserTask)
class UserTaskAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "name", "instance", "state", "assignee", "created_at", "completed_by")
    list_filter = ("state",)
    search_fields = ("name", "assignee", "element_id")
    list_select_related = ("instance__definition",)
    inlines = (TaskCandidateInline,)

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        return [f.name for f in UserTask._meta.fields]


@admin.register(Token)
class TokenAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Where instances wait now, across all instances (one row per live token)."""

    list_display = ("element_id", "instance", "state", "arrived_via")
    list_filter = ("state",)
    search_fields = ("element_id", "instance__business_key")
    list_select_related = ("instance__definition",)

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        return [f.name for f in Token._meta.fields]


@admin.register(Job)
class JobAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "topic", "instance", "element_id", "state", "attempts", "due_at")
    list_filter = ("state", "executor", "topic")
    search_fields = ("topic", "element_id")

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        return [f.name for f in Job._meta.fields]


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "instance", "element_id", "state", "message", "created_at")
    list_filter = ("state",)
    search_fields = ("element_id", "message")
    actions = ("retry_incidents",)

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        return [f.name for f in Incident._meta.fields]

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("bpmn_engine.change_incident")

    @admin.action(description=_("Retry the selected incidents"), permissions=["retry"])
    def retry_incidents(self, request: HttpRequest, queryset: QuerySet[Incident]) -> None:
        done, errors = 0, []
        for incident in queryset.filter(state=Incident.State.OPEN):
            try:
                incident_retry(incident_id=incident.pk, user=request.user.get_username())
            except EngineError as exc:
                errors.append(f"#{incident.pk}: {exc}")
            else:
                done += 1
        _report(self, request, done, errors)


@admin.register(HistoryEvent)
class HistoryEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("timestamp", "instance", "event", "element_id", "user")
    list_filter = ("event",)
    search_fields = ("element_id", "user", "event")

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        return [f.name for f in HistoryEvent._meta.fields]


from bpmn_engine.api import admin as _api_admin  # noqa: E402, F401  (API tokens, webhooks)
