"""Bodies of the external-task endpoints (Camunda's field names, camelCase)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from bpmn_engine.services.external_tasks import MAX_LOCK_SECONDS, MAX_TASKS_PER_FETCH

MAX_WAIT_SECONDS = 30
"""Long polling holds a server thread: the wait is bounded."""


class _Worker(serializers.Serializer[Any]):
    workerId = serializers.CharField(max_length=64)


class FetchInput(_Worker):
    topics = serializers.ListField(
        child=serializers.CharField(max_length=255), min_length=1, max_length=50
    )
    maxTasks = serializers.IntegerField(min_value=1, max_value=MAX_TASKS_PER_FETCH, default=1)
    lockDuration = serializers.IntegerField(
        min_value=1, max_value=MAX_LOCK_SECONDS, help_text="Seconds."
    )
    asyncResponseTimeout = serializers.FloatField(
        min_value=0,
        max_value=MAX_WAIT_SECONDS,
        default=0,
        help_text="Seconds to wait for a task when none is available (long polling).",
    )


class ExternalTaskOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="job.pk")
    topic = serializers.CharField(source="job.topic")
    elementId = serializers.CharField(source="job.element_id")
    processInstanceId = serializers.IntegerField(source="job.instance_id")
    businessKey = serializers.CharField(source="job.instance.business_key")
    workerId = serializers.CharField(source="job.lock_owner")
    lockExpirationTime = serializers.DateTimeField(source="job.locked_until")
    attempts = serializers.IntegerField(source="job.attempts")
    retries = serializers.SerializerMethodField()
    variables = serializers.DictField()

    def get_retries(self, obj: Any) -> int:
        return int(max(obj.job.max_attempts - obj.job.attempts, 0))


class ExternalCompleteInput(_Worker):
    variables = serializers.DictField(required=False, default=dict)


class FailureInput(_Worker):
    errorMessage = serializers.CharField(max_length=4000)
    errorDetails = serializers.CharField(required=False, allow_blank=True, default="")
    retries = serializers.IntegerField(min_value=0, max_value=1000, required=False)
    retryTimeout = serializers.IntegerField(
        min_value=0, max_value=MAX_LOCK_SECONDS, required=False, help_text="Seconds."
    )


class BpmnErrorInput(_Worker):
    errorCode = serializers.CharField(max_length=255)
    errorMessage = serializers.CharField(required=False, allow_blank=True, default="")


class ExtendLockInput(_Worker):
    newDuration = serializers.IntegerField(
        min_value=1, max_value=MAX_LOCK_SECONDS, help_text="Seconds from now."
    )


class JobStateOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    state = serializers.CharField()
    attempts = serializers.IntegerField()
    dueAt = serializers.DateTimeField(source="due_at")
    lockExpirationTime = serializers.DateTimeField(source="locked_until", allow_null=True)
