"""``POST /messages`` (correlate one message), ``POST /signals`` (broadcast) and
``POST /condition`` (evaluate the conditional start events of the processes).

Both steer running processes from outside, so they are operator actions (staff), the
way service accounts of integrations are set up.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bpmn_engine.api import event_serializers as es
from bpmn_engine.api.idempotency import IDEMPOTENCY_PARAMETER, idempotent_response
from bpmn_engine.api.permissions import IsStaff
from bpmn_engine.api.views.common import current_user, problems
from bpmn_engine.services.events.conditions import conditions_evaluate
from bpmn_engine.services.events.messages import message_correlate
from bpmn_engine.services.events.signals import signal_broadcast


class MessageView(APIView):
    permission_classes = [IsAuthenticated, IsStaff]

    @extend_schema(
        summary="Correlate a message",
        description="Delivers the message to the instance waiting for it (matched by name, "
        "business key and correlation keys) or starts an instance at a message start "
        "event. Nobody waiting is a 404 problem.",
        request=es.MessageInput,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: es.MessageOutput, 201: es.MessageOutput, **problems(400, 403, 404, 422)},
    )
    def post(self, request: Request) -> Response:
        data = es.MessageInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data

        def run() -> tuple[int, Any]:
            result = message_correlate(
                name=values["name"],
                business_key=values.get("businessKey") or None,
                correlation_keys=values["correlationKeys"],
                variables=values["variables"],
                user=current_user(request),
            )
            code = status.HTTP_201_CREATED if result.started else status.HTTP_200_OK
            return code, es.MessageOutput(result).data

        return idempotent_response(request, run)


class SignalView(APIView):
    permission_classes = [IsAuthenticated, IsStaff]

    @extend_schema(
        summary="Broadcast a signal",
        description="Every waiting signal event and signal start event receives it; the "
        "list of deliveries may be empty (a signal is not addressed to anyone).",
        request=es.SignalInput,
        responses={200: es.SignalOutput, **problems(400, 403)},
    )
    def post(self, request: Request) -> Response:
        data = es.SignalInput(data=request.data)
        data.is_valid(raise_exception=True)
        deliveries = signal_broadcast(
            name=data.validated_data["name"],
            variables=data.validated_data["variables"],
            user=current_user(request),
        )
        return Response(es.SignalOutput({"deliveries": deliveries}).data)


class ConditionView(APIView):
    permission_classes = [IsAuthenticated, IsStaff]

    @extend_schema(
        summary="Evaluate conditional start events",
        description="Starts one instance of every latest-version process whose conditional "
        "start event's condition is true for the given variables (as Camunda's POST "
        "/condition); the list of started instances may be empty.",
        request=es.ConditionInput,
        responses={200: es.ConditionOutput, **problems(400, 403)},
    )
    def post(self, request: Request) -> Response:
        data = es.ConditionInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        started = conditions_evaluate(
            variables=values["variables"],
            business_key=values.get("businessKey") or None,
            process_definition_key=values.get("processDefinitionKey") or None,
            user=current_user(request),
        )
        return Response(es.ConditionOutput({"started": started}).data)
