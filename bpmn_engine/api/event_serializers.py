"""Bodies of ``/messages``, ``/signals`` and ``/condition``."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class MessageInput(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=255)
    businessKey = serializers.CharField(max_length=255, required=False, allow_blank=True)
    correlationKeys = serializers.DictField(required=False, default=dict)
    variables = serializers.DictField(required=False, default=dict)


class MessageOutput(serializers.Serializer[Any]):
    instanceId = serializers.IntegerField(source="instance.pk")
    elementId = serializers.CharField(source="element_id")
    started = serializers.BooleanField(help_text="True when the message started the instance.")


class SignalInput(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=255)
    variables = serializers.DictField(required=False, default=dict)


class SignalOutput(serializers.Serializer[Any]):
    deliveries = MessageOutput(many=True)


class ConditionInput(serializers.Serializer[Any]):
    variables = serializers.DictField(required=False, default=dict)
    businessKey = serializers.CharField(max_length=255, required=False, allow_blank=True)
    processDefinitionKey = serializers.CharField(max_length=255, required=False)


class ConditionStartOutput(serializers.Serializer[Any]):
    instanceId = serializers.IntegerField(source="instance.pk")
    elementId = serializers.CharField(source="element_id")


class ConditionOutput(serializers.Serializer[Any]):
    started = ConditionStartOutput(many=True)
