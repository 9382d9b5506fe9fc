"""Events: start, end, intermediate catch/throw and boundary events.

Definitions the engine does not run yet never reach these builders: ``support.py`` (with
``event_support.py``) turns such events into ``UnsupportedNode`` placeholders first.
"""

from __future__ import annotations

from lxml import etree

from bpmn_engine.model import (
    BoundaryEvent,
    EndEvent,
    IntermediateCatchEvent,
    IntermediateThrowEvent,
    StartEvent,
)
from bpmn_engine.parser.builders.event_definitions import read_event_definitions
from bpmn_engine.parser.builders.extensions import camunda_attr, read_form_fields, read_form_key
from bpmn_engine.parser.event_support import event_definitions
from bpmn_engine.parser.registry import BuildContext, NodeFields, register


def parallel_multiple(el: etree._Element) -> bool:
    """``parallelMultiple="true"`` on an event with more than one definition."""
    flag = el.get("parallelMultiple", "false").strip() in ("true", "1")
    return flag and len(event_definitions(el)) > 1


@register("startEvent")
def build_start_event(el: etree._Element, fields: NodeFields, ctx: BuildContext) -> StartEvent:
    return StartEvent(
        **fields,
        event_definitions=read_event_definitions(el, ctx.issues),
        form_key=read_form_key(el),
        form_fields=read_form_fields(el, ctx.issues),
        initiator=camunda_attr(el, "initiator"),
        interrupting=el.get("isInterrupting", "true").strip() not in ("false", "0"),
        parallel_multiple=parallel_multiple(el),
    )


@register("endEvent")
def build_end_event(el: etree._Element, fields: NodeFields, ctx: BuildContext) -> EndEvent:
    return EndEvent(**fields, event_definitions=read_event_definitions(el, ctx.issues)[:1])


@register("intermediateCatchEvent")
def build_catch_event(
    el: etree._Element, fields: NodeFields, ctx: BuildContext
) -> IntermediateCatchEvent:
    definitions = read_event_definitions(el, ctx.issues)
    return IntermediateCatchEvent(
        **fields, event_definitions=definitions, parallel_multiple=parallel_multiple(el)
    )


@register("intermediateThrowEvent")
def build_throw_event(
    el: etree._Element, fields: NodeFields, ctx: BuildContext
) -> IntermediateThrowEvent:
    definitions = read_event_definitions(el, ctx.issues)
    return IntermediateThrowEvent(**fields, event_definitions=definitions)


@register("boundaryEvent")
def build_boundary_event(
    el: etree._Element, fields: NodeFields, ctx: BuildContext
) -> BoundaryEvent:
    """``attachedToRef`` is checked by validation (it must name an activity)."""
    return BoundaryEvent(
        **fields,
        attached_to=el.get("attachedToRef", ""),
        cancel_activity=el.get("cancelActivity", "true").strip() not in ("false", "0"),
        event_definitions=read_event_definitions(el, ctx.issues),
        parallel_multiple=parallel_multiple(el),
    )
