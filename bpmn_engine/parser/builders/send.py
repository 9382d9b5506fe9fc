"""Send tasks: a message the engine sends itself, or work for a handler.

A send task with an implementation (any service-task binding) is bound exactly like a
service task, so a handler topic does the sending. Without one, its ``messageRef`` names
the message the engine sends by name after the step (``binding == "message"``), the way a
message throw event does. With neither, it falls back to the service task rule: an
external task whose topic is the element id (with the same deploy warning).
"""

from __future__ import annotations

from lxml import etree

from bpmn_engine.model import SendTask
from bpmn_engine.parser.builders.event_definitions import root_element
from bpmn_engine.parser.builders.extensions import camunda_attr
from bpmn_engine.parser.builders.tasks import _retry_time_cycle, _service_binding
from bpmn_engine.parser.errors import Issues
from bpmn_engine.parser.registry import BuildContext, NodeFields, register


def _message_name(el: etree._Element, task_id: str, issues: Issues) -> str:
    ref = el.get("messageRef", "").strip()
    if not ref:
        return ""
    message = root_element(el, "message", ref)
    if message is None:
        issues.error(f"sendTask '{task_id}' refers to message '{ref}', which does not exist", el)
        return ref
    return message.get("name") or ref


@register("sendTask")
def build_send_task(el: etree._Element, fields: NodeFields, ctx: BuildContext) -> SendTask:
    task_id = fields["id"]
    message_name = _message_name(el, task_id, ctx.issues)
    scratch = Issues()  # the "no implementation" warning is wrong when a message is named
    binding = _service_binding(el, task_id, scratch)
    if binding["binding"] == "none" and message_name:
        binding = {"binding": "message", "topic": "", "expression": None}
    else:
        ctx.issues.items.extend(scratch.items)
    return SendTask(
        **fields,
        **binding,
        message_name=message_name,
        result_variable=camunda_attr(el, "resultVariable"),
        retry_time_cycle=_retry_time_cycle(el),
    )
