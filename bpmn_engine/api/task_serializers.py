"""Bodies of the task delegation and comment endpoints."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from bpmn_engine.services.comments import MAX_COMMENT_CHARS


class DelegateInput(serializers.Serializer[Any]):
    userId = serializers.CharField(max_length=150, help_text="Who works on the task next.")


class ResolveInput(serializers.Serializer[Any]):
    variables = serializers.DictField(
        required=False, help_text="Kept as the draft the owner reviews before completing."
    )


class CommentInput(serializers.Serializer[Any]):
    text = serializers.CharField(max_length=MAX_COMMENT_CHARS)


class CommentOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    user = serializers.CharField()
    text = serializers.CharField()
    createdAt = serializers.DateTimeField(source="created_at")


class ModifyInput(serializers.Serializer[Any]):
    cancelTokens = serializers.ListField(
        child=serializers.CharField(max_length=64), required=False, default=list, max_length=100
    )
    startBefore = serializers.ListField(
        child=serializers.CharField(max_length=255), required=False, default=list, max_length=100
    )


class JobOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    state = serializers.CharField()
    executor = serializers.CharField()
    topic = serializers.CharField()
    elementId = serializers.CharField(source="element_id")
    processInstanceId = serializers.IntegerField(source="instance_id", allow_null=True)
    attempts = serializers.IntegerField()
    maxAttempts = serializers.IntegerField(source="max_attempts")
    dueAt = serializers.DateTimeField(source="due_at")
    lockOwner = serializers.CharField(source="lock_owner")
    lockedUntil = serializers.DateTimeField(source="locked_until", allow_null=True)
    lastError = serializers.CharField(source="last_error")


class DueDateInput(serializers.Serializer[Any]):
    dueAt = serializers.DateTimeField()
