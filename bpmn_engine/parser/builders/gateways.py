"""Exclusive and parallel gateways: all they need is in the shared node fields.

``default`` (the exclusive gateway's fallback flow) is read for every node by the walker,
because BPMN allows it on activities too.
"""

from __future__ import annotations

from lxml import etree

from bpmn_engine.model import ComplexGateway, ExclusiveGateway, InclusiveGateway, ParallelGateway
from bpmn_engine.parser.builders.loops import check_expression, feel_text
from bpmn_engine.parser.namespaces import bpmn_children, text_content
from bpmn_engine.parser.registry import BuildContext, NodeFields, register


@register("exclusiveGateway")
def build_exclusive_gateway(
    el: etree._Element, fields: NodeFields, ctx: BuildContext
) -> ExclusiveGateway:
    return ExclusiveGateway(**fields)


@register("parallelGateway")
def build_parallel_gateway(
    el: etree._Element, fields: NodeFields, ctx: BuildContext
) -> ParallelGateway:
    return ParallelGateway(**fields)


@register("inclusiveGateway")
def build_inclusive_gateway(
    el: etree._Element, fields: NodeFields, ctx: BuildContext
) -> InclusiveGateway:
    return InclusiveGateway(**fields)


@register("complexGateway")
def build_complex_gateway(
    el: etree._Element, fields: NodeFields, ctx: BuildContext
) -> ComplexGateway:
    """The ``activationCondition`` must compile; it is checked here, at deploy. A FEEL
    condition (``= activationCount >= 2``, or ``language`` FEEL) keeps its marker and
    runs as FEEL."""
    found = bpmn_children(el, "activationCondition")
    language = found[0].get("language", "") if found else ""
    condition = feel_text(text_content(found[0]), language) if found else None
    check_expression(el, fields["id"], "activationCondition", condition, ctx.issues)
    return ComplexGateway(**fields, activation_condition=condition)
