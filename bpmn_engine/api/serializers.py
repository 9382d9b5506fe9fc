"""Input and output serializers, one pair per operation (HackSoft style).

Input serializers only shape and type-check the request; what the values mean (variable
names and sizes, who may start what) is decided by the services. Output serializers are
read-only renderings. JSON names are camelCase, mapped to the models' fields by ``source``.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from bpmn_engine.models import Incident, ProcessInstance, UserTask

# --- shared --------------------------------------------------------------------------------


VARIABLES_HELP = "Variables by name: JSON values; names are identifiers not starting with _."


def _variables_field(help_text: str = VARIABLES_HELP, **kwargs: Any) -> serializers.DictField:
    return serializers.DictField(
        child=serializers.JSONField(allow_null=True), help_text=help_text, **kwargs
    )


class FieldErrorSerializer(serializers.Serializer[Any]):
    field = serializers.CharField(help_text="Dotted path of the field; empty for the body.")
    message = serializers.CharField()
    code = serializers.CharField(allow_null=True)


class DeployIssueSerializer(serializers.Serializer[Any]):
    message = serializers.CharField()
    line = serializers.IntegerField(allow_null=True)
    column = serializers.IntegerField(allow_null=True)
    elementId = serializers.CharField(allow_null=True)


class ProblemSerializer(serializers.Serializer[Any]):
    """RFC 9457 problem details, served as ``application/problem+json``."""

    type = serializers.CharField(help_text="urn:baton:problem:<kind>, e.g. ...:conflict")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    # Declared fields leave the class body (DRF pops them), so ``errors`` and ``data``
    # do not shadow the serializer's own properties at run time.
    errors = FieldErrorSerializer(  # type: ignore[assignment]
        many=True, required=False, help_text="Invalid fields."
    )
    issues = DeployIssueSerializer(
        many=True, required=False, help_text="Problems of a refused diagram."
    )


# --- deployments and definitions ----------------------------------------------------------


class DeployInput(serializers.Serializer[Any]):
    file = serializers.FileField(help_text="One BPMN 2.0 XML file.")
    decisions = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        max_length=20,
        help_text="DMN files whose decisions the diagram's business rule tasks call.",
    )
    name = serializers.CharField(
        max_length=255,
        required=False,
        allow_blank=True,
        default="",
        help_text="Defaults to the diagram's name, else the file's.",
    )


class DefinitionSummaryOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    key = serializers.CharField()
    version = serializers.IntegerField()
    name = serializers.CharField()
    isExecutable = serializers.BooleanField(source="is_executable")


class DeploymentOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    filename = serializers.CharField()
    checksum = serializers.CharField(help_text="SHA-256 of the file.")
    deployedBy = serializers.CharField(source="deployed_by.username", allow_null=True, default=None)
    createdAt = serializers.DateTimeField(source="created_at")
    warnings = serializers.ListField(child=serializers.CharField())
    definitions = DefinitionSummaryOutput(many=True)


class DeployResultOutput(DeploymentOutput):
    created = serializers.SerializerMethodField(
        help_text="false: identical content was already deployed; nothing new was made."
    )

    def get_created(self, obj: Any) -> bool:
        return bool(self.context["created"])


class DefinitionOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    key = serializers.CharField(help_text="The BPMN process id.")
    version = serializers.IntegerField()
    name = serializers.CharField()
    documentation = serializers.CharField()
    isExecutable = serializers.BooleanField(source="is_executable")
    candidateStarterGroups = serializers.ListField(
        child=serializers.CharField(), source="candidate_starter_groups"
    )
    candidateStarterUsers = serializers.ListField(
        child=serializers.CharField(), source="candidate_starter_users"
    )
    deploymentId = serializers.IntegerField(source="deployment_id")
    createdAt = serializers.DateTimeField(source="created_at")


class StartInput(serializers.Serializer[Any]):
    variables = _variables_field(required=False, default=dict)
    businessKey = serializers.CharField(
        max_length=255, required=False, allow_blank=True, default=""
    )


# --- instances -----------------------------------------------------------------------------


class InstanceOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    definitionId = serializers.IntegerField(source="definition_id")
    definitionKey = serializers.CharField(source="definition.key")
    definitionVersion = serializers.IntegerField(source="definition.version")
    businessKey = serializers.CharField(source="business_key")
    state = serializers.ChoiceField(choices=ProcessInstance.State.choices)
    startedBy = serializers.CharField(source="started_by")
    startedAt = serializers.DateTimeField(source="started_at")
    endedAt = serializers.DateTimeField(source="ended_at", allow_null=True)
    openIncidentCount = serializers.IntegerField(source="open_incidents")
    version = serializers.IntegerField(help_text="Moves on with every step of the instance.")


class TokenOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    elementId = serializers.CharField(source="element_id")
    state = serializers.CharField()
    scopeId = serializers.UUIDField(source="scope_id")
    arrivedVia = serializers.CharField(source="arrived_via")


class TaskOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    elementId = serializers.CharField(source="element_id")
    documentation = serializers.CharField()
    state = serializers.ChoiceField(choices=UserTask.State.choices)
    assignee = serializers.CharField()
    candidateUsers = serializers.SerializerMethodField()
    candidateGroups = serializers.SerializerMethodField()
    priority = serializers.IntegerField()
    dueAt = serializers.DateTimeField(source="due_at", allow_null=True)
    formKey = serializers.CharField(source="form_key")
    createdAt = serializers.DateTimeField(source="created_at")
    completedAt = serializers.DateTimeField(source="completed_at", allow_null=True)
    completedBy = serializers.CharField(source="completed_by")
    processInstanceId = serializers.IntegerField(source="instance_id")
    processDefinitionKey = serializers.CharField(source="instance.definition.key")
    businessKey = serializers.CharField(source="instance.business_key")

    def get_candidateUsers(self, task: UserTask) -> list[str]:  # noqa: N802
        return [c.user for c in task.candidates.all() if c.user]

    def get_candidateGroups(self, task: UserTask) -> list[str]:  # noqa: N802
        return [c.group for c in task.candidates.all() if c.group]


class TaskDetailOutput(TaskOutput):
    form = serializers.SerializerMethodField(
        help_text="The task's form fields as a JSON Schema (draft 2020-12)."
    )

    def get_form(self, task: UserTask) -> dict[str, Any]:
        return dict(self.context["form"])


class IncidentOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    processInstanceId = serializers.IntegerField(source="instance_id")
    processDefinitionKey = serializers.CharField(source="instance.definition.key")
    elementId = serializers.CharField(source="element_id")
    tokenId = serializers.UUIDField(source="token_id")
    jobId = serializers.IntegerField(source="job_id", allow_null=True)
    message = serializers.CharField()
    state = serializers.ChoiceField(choices=Incident.State.choices)
    createdAt = serializers.DateTimeField(source="created_at")
    resolvedAt = serializers.DateTimeField(source="resolved_at", allow_null=True)


class InstanceDetailOutput(InstanceOutput):
    """Prefetched by the view into ``tokens``, ``open_tasks`` and ``open_incident_rows``."""

    tokens = TokenOutput(many=True, help_text="Active tokens, in arrival order.")
    openTasks = TaskOutput(many=True, source="open_tasks")
    incidents = IncidentOutput(many=True, source="open_incident_rows", help_text="Open ones.")


class CancelInput(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class VariablesInput(serializers.Serializer[Any]):
    variables = _variables_field()


class VariablesOutput(serializers.Serializer[Any]):
    variables = _variables_field(help_text="The instance's (root scope) variables.")


class HistoryEventOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    processInstanceId = serializers.IntegerField(source="instance_id")
    eventType = serializers.CharField(source="event")
    elementId = serializers.CharField(source="element_id")
    tokenId = serializers.UUIDField(source="token_id", allow_null=True)
    user = serializers.CharField()
    data = serializers.DictField(child=serializers.JSONField())  # type: ignore[assignment]
    timestamp = serializers.DateTimeField()


class CompleteInput(serializers.Serializer[Any]):
    variables = _variables_field(required=False, default=dict)
