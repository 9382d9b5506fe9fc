"""Sequence flows. Flows are built before nodes: a node's incoming and outgoing flows are
derived from the flows' ``sourceRef``/``targetRef`` (the ``<incoming>``/``<outgoing>``
children are redundant in BPMN and modelers do let them drift out of sync).
"""

from __future__ import annotations

from lxml import etree

from bpmn_engine.model import SequenceFlow
from bpmn_engine.parser.builders.common import documentation, element_id
from bpmn_engine.parser.builders.extensions import read_extensions
from bpmn_engine.parser.namespaces import bpmn_children, line_of, text_content
from bpmn_engine.parser.registry import BuildContext

FEEL = "FEEL"


def _condition(el: etree._Element, flow_id: str, ctx: BuildContext) -> str | None:
    """``conditionExpression`` text; Zeebe's FEEL marker ``=`` is dropped (and noted)."""
    found = bpmn_children(el, "conditionExpression")
    if not found:
        return None
    text = text_content(found[0]).strip()
    language = found[0].get("language", "").strip()
    if text.startswith("="):
        text = text[1:].strip()
        language = language or FEEL
    if language:
        ctx.condition_languages[flow_id] = language
    return text or None


def build_sequence_flow(el: etree._Element, ctx: BuildContext) -> SequenceFlow:
    issues = ctx.issues
    flow_id = element_id(el, issues)
    for attribute in ("sourceRef", "targetRef"):
        if not el.get(attribute):
            issues.error(f"sequence flow '{flow_id}' has no {attribute}", el, flow_id)
    return SequenceFlow(
        id=flow_id,
        name=el.get("name", ""),
        documentation=documentation(el),
        line=line_of(el),
        extensions=read_extensions(el),
        source_id=el.get("sourceRef", ""),
        target_id=el.get("targetRef", ""),
        condition=_condition(el, flow_id, ctx),
    )
