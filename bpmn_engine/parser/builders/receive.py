"""Receive tasks and event-based gateways: the message-waiting nodes that are not events."""

from __future__ import annotations

from lxml import etree

from bpmn_engine.model import EventBasedGateway, ReceiveTask
from bpmn_engine.parser.builders.event_definitions import root_element, zeebe_correlation_key
from bpmn_engine.parser.registry import BuildContext, NodeFields, register


@register("receiveTask")
def build_receive_task(el: etree._Element, fields: NodeFields, ctx: BuildContext) -> ReceiveTask:
    ref = el.get("messageRef", "")
    message = root_element(el, "message", ref) if ref else None
    if ref and message is None:
        ctx.issues.error(
            f"receiveTask '{fields['id']}' refers to message '{ref}', which does not exist", el
        )
    name = (message.get("name") or ref) if message is not None else ""
    return ReceiveTask(
        **fields,
        message_name=name,
        correlation_key=zeebe_correlation_key(message),
        instantiate=el.get("instantiate", "false").strip() in ("true", "1"),
    )


@register("eventBasedGateway")
def build_event_gateway(
    el: etree._Element, fields: NodeFields, ctx: BuildContext
) -> EventBasedGateway:
    return EventBasedGateway(**fields)
