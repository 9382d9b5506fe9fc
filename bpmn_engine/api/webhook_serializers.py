"""Bodies of the webhook endpoints."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from bpmn_engine.models import WebhookDelivery, WebhookSubscription


class WebhookInput(serializers.Serializer[Any]):
    url = serializers.URLField(max_length=500)
    eventTypes = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookSubscription.EventType.choices),
        min_length=1,
        max_length=len(WebhookSubscription.EventType.choices),
    )


class WebhookOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    url = serializers.URLField()
    eventTypes = serializers.ListField(child=serializers.CharField(), source="event_types")
    active = serializers.BooleanField()
    createdAt = serializers.DateTimeField(source="created_at")


class WebhookCreatedOutput(WebhookOutput):
    secret = serializers.CharField(
        help_text="The HMAC-SHA256 key of X-Baton-Signature; shown only in this response."
    )


class DeliveryOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    eventType = serializers.CharField(source="event_type")
    state = serializers.ChoiceField(choices=WebhookDelivery.State.choices)
    attempts = serializers.IntegerField()
    nextAttemptAt = serializers.DateTimeField(source="next_attempt_at")
    responseStatus = serializers.IntegerField(source="response_status", allow_null=True)
    lastError = serializers.CharField(source="last_error")
    createdAt = serializers.DateTimeField(source="created_at")
    deliveredAt = serializers.DateTimeField(source="delivered_at", allow_null=True)
    payload = serializers.DictField()
