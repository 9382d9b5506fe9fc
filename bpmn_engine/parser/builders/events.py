"""Start and end events: only none starts and none/terminate ends run for now.

Events with other definitions never reach these builders: ``support.py`` turns them into
``UnsupportedNode`` placeholders first.
"""

from __future__ import annotations

from lxml import etree

from bpmn_engine.model import EndEvent, StartEvent, TerminateEventDefinition
from bpmn_engine.parser.builders.extensions import camunda_attr, read_form_fields, read_form_key
from bpmn_engine.parser.namespaces import bpmn_children
from bpmn_engine.parser.registry import BuildContext, NodeFields, register


@register("startEvent")
def build_start_event(el: etree._Element, fields: NodeFields, ctx: BuildContext) -> StartEvent:
    return StartEvent(
        **fields,
        form_key=read_form_key(el),
        form_fields=read_form_fields(el, ctx.issues),
        initiator=camunda_attr(el, "initiator"),
    )


@register("endEvent")
def build_end_event(el: etree._Element, fields: NodeFields, ctx: BuildContext) -> EndEvent:
    definitions = tuple(
        TerminateEventDefinition(id=definition.get("id", ""))
        for definition in bpmn_children(el, "terminateEventDefinition")
    )
    return EndEvent(**fields, event_definitions=definitions[:1])
