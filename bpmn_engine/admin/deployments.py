"""Deployments and definitions: the upload form, and the rendered diagram of a
definition (read-only; a new version comes only from an upload through ``definition_deploy``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bpmn_engine.admin.base import ReadOnlyAdminMixin, ReadOnlyInline
from bpmn_engine.conf import engine_setting
from bpmn_engine.models import (
    Deployment,
    ProcessDefinition,
    Token,
)
from bpmn_engine.services.deploy import DeployError, definition_deploy


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

    def clean_file(self) -> Any:
        """Refuse a file over the engine's limit from its size, before it is read into
        memory (Django has spooled a large upload to a temporary file)."""
        upload = self.cleaned_data["file"]
        limit = engine_setting("MAX_UPLOAD_BYTES")
        if upload.size is not None and upload.size > limit:
            raise forms.ValidationError(
                gettext("The file is %(size)d bytes; the limit is %(limit)d.")
                % {"size": upload.size, "limit": limit}
            )
        return upload


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
