"""Sequence flows. Flows are built before nodes: a node's incoming and outgoing flows are
derived from the flows' ``sourceRef``/``targetRef`` (the ``<incoming>``/``<outgoing>``
children are redundant in BPMN and modelers do let them drift out of sync).
"""

from __future__ import annotations

from lxml import etree

from bpmn_engine.interpreter.expressions import ExpressionError, compile_expression
from bpmn_engine.model import SequenceFlow
from bpmn_engine.parser.builders.common import documentation, element_id
from bpmn_engine.parser.builders.extensions import read_extensions
from bpmn_engine.parser.condition_dialects import (
    XPathNotSupported,
    feel_text,
    is_feel_language,
    is_xpath_language,
    xpath_to_feel,
)
from bpmn_engine.parser.namespaces import bpmn_children, line_of, text_content
from bpmn_engine.parser.registry import BuildContext

FEEL = "FEEL"


def _condition(el: etree._Element, flow_id: str, ctx: BuildContext) -> str | None:
    """``conditionExpression`` text, in the language the expression compiler reads.

    FEEL (Zeebe's ``=`` marker, or a FEEL ``language``) keeps or gets the ``=`` marker,
    which selects the FEEL dialect. XPath in the supported subset is stored as its FEEL
    equivalent; other XPath stays as written and ``syntax`` refuses it. A condition that
    only inherits the definitions' ``expressionLanguage`` is read as Baton's own language
    first (that default is often boilerplate), then as that language.
    """
    found = bpmn_children(el, "conditionExpression")
    if not found:
        return None
    text = text_content(found[0]).strip()
    language = found[0].get("language", "").strip()
    if text.startswith("=") and not text.startswith("=="):
        language = language or FEEL
    if language:
        ctx.condition_languages[flow_id] = language
    if not text:
        return None
    if is_feel_language(language):
        return feel_text(text)
    if is_xpath_language(language):
        return _from_xpath(text)
    if language or _compiles(text):
        return text
    default = ctx.default_expression_language
    if is_feel_language(default):
        return feel_text(text)
    if is_xpath_language(default):
        translated = _from_xpath(text)
        if translated != text or not _compiles(feel_text(text)):
            return translated
        return feel_text(text)  # not XPath either: FEEL reads names with spaces
    return text


def _from_xpath(text: str) -> str:
    try:
        return xpath_to_feel(text)
    except XPathNotSupported:
        return text


def _compiles(text: str) -> bool:
    try:
        compile_expression(text)
    except ExpressionError:
        return False
    return True


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
