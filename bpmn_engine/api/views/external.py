"""External tasks for workers in any language: fetch-and-lock, complete, failure,
BPMN error, extend lock."""

from __future__ import annotations

import time

from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from bpmn_engine.api import external_serializers as es
from bpmn_engine.api.permissions import IsWorker
from bpmn_engine.api.views.common import ID_PATTERN, problems
from bpmn_engine.services.external_tasks import (
    LockedExternalTask,
    external_task_bpmn_error,
    external_task_complete,
    external_task_extend_lock,
    external_task_failure,
    external_task_fetch_and_lock,
)

POLL_INTERVAL_SECONDS = 0.2
WORKER_ERRORS = problems(400, 403, 404, 409)


class ExternalTaskViewSet(viewsets.ViewSet):
    permission_classes = [IsAuthenticated, IsWorker]
    lookup_value_regex = ID_PATTERN

    @extend_schema(
        summary="Fetch and lock external tasks",
        description="Locks up to maxTasks available tasks of the topics for workerId. With "
        "asyncResponseTimeout, waits (at most that many seconds) for a task to appear.",
        request=es.FetchInput,
        responses={200: es.ExternalTaskOutput(many=True), **problems(400, 403)},
    )
    @action(detail=False, methods=["post"], url_path="fetch-and-lock")
    def fetch_and_lock(self, request: Request) -> Response:
        data = es.FetchInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        deadline = time.monotonic() + values["asyncResponseTimeout"]
        while True:
            tasks = self._fetch(values)
            if tasks or time.monotonic() >= deadline:
                return Response(es.ExternalTaskOutput(tasks, many=True).data)
            time.sleep(POLL_INTERVAL_SECONDS)

    @staticmethod
    def _fetch(values: dict[str, object]) -> list[LockedExternalTask]:
        return external_task_fetch_and_lock(
            worker_id=str(values["workerId"]),
            topics=list(values["topics"]),  # type: ignore[call-overload]
            max_tasks=int(values["maxTasks"]),  # type: ignore[call-overload]
            lock_seconds=int(values["lockDuration"]),  # type: ignore[call-overload]
        )

    @extend_schema(
        summary="Complete an external task with variables",
        request=es.ExternalCompleteInput,
        responses={204: None, **WORKER_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        data = es.ExternalCompleteInput(data=request.data)
        data.is_valid(raise_exception=True)
        external_task_complete(
            job_id=int(pk),
            worker_id=data.validated_data["workerId"],
            variables=data.validated_data["variables"],
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Report a failure (retries left and the wait before the next try)",
        request=es.FailureInput,
        responses={200: es.JobStateOutput, **WORKER_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def failure(self, request: Request, pk: str) -> Response:
        data = es.FailureInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        job = external_task_failure(
            job_id=int(pk),
            worker_id=values["workerId"],
            error=values["errorMessage"],
            details=values["errorDetails"],
            retries=values.get("retries"),
            retry_seconds=values.get("retryTimeout"),
        )
        return Response(es.JobStateOutput(job).data)

    @extend_schema(
        summary="Raise a BPMN error (caught by an error boundary event)",
        request=es.BpmnErrorInput,
        responses={204: None, **WORKER_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="bpmn-error")
    def bpmn_error(self, request: Request, pk: str) -> Response:
        data = es.BpmnErrorInput(data=request.data)
        data.is_valid(raise_exception=True)
        external_task_bpmn_error(
            job_id=int(pk),
            worker_id=data.validated_data["workerId"],
            code=data.validated_data["errorCode"],
            message=data.validated_data["errorMessage"],
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Extend the lock",
        request=es.ExtendLockInput,
        responses={200: es.JobStateOutput, **WORKER_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="extend-lock")
    def extend_lock(self, request: Request, pk: str) -> Response:
        data = es.ExtendLockInput(data=request.data)
        data.is_valid(raise_exception=True)
        job = external_task_extend_lock(
            job_id=int(pk),
            worker_id=data.validated_data["workerId"],
            lock_seconds=data.validated_data["newDuration"],
        )
        return Response(es.JobStateOutput(job).data)
