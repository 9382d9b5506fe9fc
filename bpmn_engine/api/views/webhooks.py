"""Webhook subscriptions and their delivery log (staff: events span every instance)."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from bpmn_engine.api import webhook_serializers as ws
from bpmn_engine.api.pagination import PagePagination
from bpmn_engine.api.permissions import IsStaff
from bpmn_engine.api.views.common import ID_PATTERN, current_user, problems
from bpmn_engine.models import WebhookDelivery, WebhookSubscription
from bpmn_engine.services.webhooks import webhook_subscribe


@extend_schema_view(
    list=extend_schema(
        summary="List webhook subscriptions (staff)",
        responses={200: ws.WebhookOutput(many=True), **problems(403)},
    ),
    retrieve=extend_schema(
        summary="Get a webhook subscription (staff)",
        responses={200: ws.WebhookOutput, **problems(403, 404)},
    ),
    destroy=extend_schema(
        summary="Delete a webhook subscription (staff)", responses={204: None, **problems(403, 404)}
    ),
)
class WebhookViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[WebhookSubscription],
):
    permission_classes = [IsAuthenticated, IsStaff]
    serializer_class = ws.WebhookOutput
    lookup_value_regex = ID_PATTERN

    def get_queryset(self) -> QuerySet[WebhookSubscription]:
        return WebhookSubscription.objects.order_by("-created_at", "-id")

    @extend_schema(
        summary="Subscribe a URL to event types (staff)",
        description="Deliveries are POSTs signed with X-Baton-Signature: sha256=HMAC-SHA256("
        "secret, timestamp + '.' + body), retried with backoff. The secret is in this "
        "response only.",
        request=ws.WebhookInput,
        responses={201: ws.WebhookCreatedOutput, **problems(400, 403)},
    )
    def create(self, request: Request) -> Response:
        data = ws.WebhookInput(data=request.data)
        data.is_valid(raise_exception=True)
        sub = webhook_subscribe(
            owner=current_user(request),
            url=data.validated_data["url"],
            event_types=data.validated_data["eventTypes"],
        )
        return Response(ws.WebhookCreatedOutput(sub).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="The subscription's delivery log, newest first (staff)",
        responses={200: ws.DeliveryOutput(many=True), **problems(403, 404)},
    )
    @action(detail=True, methods=["get"])
    def deliveries(self, request: Request, pk: str) -> Response:
        sub = self.get_object()
        rows = WebhookDelivery.objects.filter(subscription=sub).order_by("-created_at", "-id")
        paginator = PagePagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(ws.DeliveryOutput(page, many=True).data)
