"""Deployments (upload, list, get, XML) and process definitions (list, get, XML, start)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from bpmn_engine.api import serializers as s
from bpmn_engine.api.filters import DefinitionFilter, DeploymentFilter
from bpmn_engine.api.idempotency import IDEMPOTENCY_PARAMETER, idempotent_response
from bpmn_engine.api.permissions import CanDeploy
from bpmn_engine.api.renderers import XMLRenderer
from bpmn_engine.api.request_limits import UPLOAD_REQUEST_FACTOR
from bpmn_engine.api.services import deployment_delete
from bpmn_engine.api.views.common import (
    FILTER_BACKENDS,
    ID_PATTERN,
    PayloadTooLarge,
    current_user,
    problems,
)
from bpmn_engine.conf import engine_setting
from bpmn_engine.models import Deployment, ProcessDefinition
from bpmn_engine.services.deploy import definition_deploy
from bpmn_engine.services.instances import definition_latest, instance_start

XML_RESPONSE = {(200, "application/xml"): OpenApiTypes.STR, **problems(404)}


@extend_schema_view(
    list=extend_schema(
        summary="List deployments", responses={200: s.DeploymentOutput(many=True), **problems()}
    ),
    retrieve=extend_schema(
        summary="Get a deployment", responses={200: s.DeploymentOutput, **problems(404)}
    ),
)
class DeploymentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[Deployment],
):
    permission_classes = [IsAuthenticated, CanDeploy]
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = s.DeploymentOutput
    lookup_value_regex = ID_PATTERN
    filter_backends = FILTER_BACKENDS
    filterset_class = DeploymentFilter
    ordering_aliases = {"createdAt": "created_at", "name": "name", "id": "id"}

    def get_queryset(self) -> QuerySet[Deployment]:
        return Deployment.objects.select_related("deployed_by").prefetch_related("definitions")

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        """Refuse an oversized upload from its Content-Length, before reading the body:
        the whole request may carry the BPMN file and its DMN files, each within the
        per-file limit, so it is capped at ``UPLOAD_REQUEST_FACTOR`` times that limit.
        ``RequestSizeLimitMiddleware`` refuses it first; this keeps the view safe when
        mounted without it."""
        super().initial(request, *args, **kwargs)
        if request.method != "POST":
            return
        cap = engine_setting("MAX_UPLOAD_BYTES") * UPLOAD_REQUEST_FACTOR
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > cap:
            raise PayloadTooLarge(f"The request is {length} bytes; the limit is {cap}.")

    @extend_schema(
        summary="Deploy a BPMN file",
        description="Needs bpmn_engine.add_deployment. Identical content is not deployed "
        "twice: the existing deployment comes back with 200 and created=false.",
        request={"multipart/form-data": s.DeployInput},
        responses={
            201: s.DeployResultOutput,
            200: s.DeployResultOutput,
            **problems(400, 403, 413),
        },
    )
    def create(self, request: Request) -> Response:
        data = s.DeployInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        limit = engine_setting("MAX_UPLOAD_BYTES")
        if upload.size is not None and upload.size > limit:
            raise PayloadTooLarge(f"The file is {upload.size} bytes; the limit is {limit}.")
        decisions = data.validated_data["decisions"]
        for extra in decisions:
            if extra.size is not None and extra.size > limit:
                raise PayloadTooLarge(f"{extra.name} is {extra.size} bytes; the limit is {limit}.")
        result = definition_deploy(
            data=upload.read(),
            filename=upload.name or "upload.bpmn",
            name=data.validated_data["name"],
            user=current_user(request),
            extra_files=[(f.name or "decision.dmn", f.read()) for f in decisions],
        )
        body = s.DeployResultOutput(result.deployment, context={"created": result.created})
        code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        return Response(body.data, status=code)

    @extend_schema(
        summary="Delete a deployment (needs bpmn_engine.add_deployment)",
        description="Refused with 409 while instances of it run, unless cascade=true: then "
        "they are cancelled and deleted with it.",
        parameters=[
            OpenApiParameter("cascade", OpenApiTypes.BOOL, OpenApiParameter.QUERY, required=False)
        ],
        responses={204: None, **problems(403, 404, 409)},
    )
    def destroy(self, request: Request, pk: str) -> Response:
        deployment = self.get_object()
        cascade = request.query_params.get("cascade", "").lower() in ("true", "1")
        deployment_delete(deployment_id=deployment.pk, cascade=cascade, user=current_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary="Download a deployment's BPMN XML", responses=XML_RESPONSE)
    @action(detail=True, methods=["get"], renderer_classes=[XMLRenderer])
    def xml(self, request: Request, pk: str) -> Response:
        return Response(self.get_object().xml)


@extend_schema_view(
    list=extend_schema(
        summary="List process definitions",
        responses={200: s.DefinitionOutput(many=True), **problems()},
    ),
    retrieve=extend_schema(
        summary="Get a process definition", responses={200: s.DefinitionOutput, **problems(404)}
    ),
)
class DefinitionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[ProcessDefinition]
):
    """Every signed-in user may read definitions; starting one obeys its candidate starters."""

    serializer_class = s.DefinitionOutput
    lookup_value_regex = ID_PATTERN
    filter_backends = FILTER_BACKENDS
    filterset_class = DefinitionFilter
    ordering_aliases = {"key": "key", "version": "version", "name": "name", "id": "id"}

    def get_queryset(self) -> QuerySet[ProcessDefinition]:
        return ProcessDefinition.objects.select_related("deployment")

    @extend_schema(summary="Download a definition's BPMN XML", responses=XML_RESPONSE)
    @action(detail=True, methods=["get"], renderer_classes=[XMLRenderer])
    def xml(self, request: Request, pk: str) -> Response:
        return Response(self.get_object().deployment.xml)

    @extend_schema(
        summary="Get the latest version of a definition by key",
        parameters=[OpenApiParameter("key", OpenApiTypes.STR, OpenApiParameter.PATH)],
        responses={200: s.DefinitionOutput, **problems(404)},
    )
    @action(detail=False, methods=["get"], url_path=r"key/(?P<key>[^/]+)")
    def by_key(self, request: Request, key: str) -> Response:
        return Response(s.DefinitionOutput(definition_latest(key=key)).data)

    @extend_schema(
        summary="Start an instance of this definition version",
        parameters=[IDEMPOTENCY_PARAMETER],
        request=s.StartInput,
        responses={201: s.InstanceOutput, **problems(400, 403, 404, 422)},
    )
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: str) -> Response:
        return self._start(request, definition=self.get_object())

    @extend_schema(
        summary="Start an instance of the latest version of a key",
        parameters=[
            OpenApiParameter("key", OpenApiTypes.STR, OpenApiParameter.PATH),
            IDEMPOTENCY_PARAMETER,
        ],
        request=s.StartInput,
        responses={201: s.InstanceOutput, **problems(400, 403, 404, 422)},
    )
    @action(detail=False, methods=["post"], url_path=r"key/(?P<key>[^/]+)/start")
    def start_by_key(self, request: Request, key: str) -> Response:
        return self._start(request, definition=definition_latest(key=key))

    def _start(self, request: Request, *, definition: ProcessDefinition) -> Response:
        data = s.StartInput(data=request.data)
        data.is_valid(raise_exception=True)

        def run() -> tuple[int, Any]:
            instance = instance_start(
                definition=definition,
                variables=data.validated_data["variables"],
                business_key=data.validated_data["businessKey"],
                user=current_user(request),
            )
            return status.HTTP_201_CREATED, s.InstanceOutput(instance).data

        return idempotent_response(request, run)
