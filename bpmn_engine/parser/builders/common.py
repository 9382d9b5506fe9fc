"""Attributes every BPMN element shares: id, name, documentation."""

from __future__ import annotations

from lxml import etree

from bpmn_engine.parser.errors import Issues
from bpmn_engine.parser.namespaces import bpmn_children, line_of, local_name, text_content


def element_id(el: etree._Element, issues: Issues) -> str:
    """The element's id; a missing id is an error and a stand-in id keeps building going."""
    value = el.get("id")
    if value:
        return value
    issues.error(f"{local_name(el)} has no id", el)
    return f"{local_name(el)}@line{line_of(el)}"


def documentation(el: etree._Element) -> str:
    """Text of the element's ``bpmn:documentation`` children, one paragraph each."""
    texts = (text_content(doc).strip() for doc in bpmn_children(el, "documentation"))
    return "\n\n".join(text for text in texts if text)


def text_of(el: etree._Element | None) -> str:
    return text_content(el).strip() if el is not None else ""
