"""Exclusive and parallel gateways: all they need is in the shared node fields.

``default`` (the exclusive gateway's fallback flow) is read for every node by the walker,
because BPMN allows it on activities too.
"""

from __future__ import annotations

from lxml import etree

from bpmn_engine.model import ExclusiveGateway, ParallelGateway
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
