"""XML namespaces the parser knows, and small helpers to name tags in them.

Camunda 7 diagrams written by older modelers (and by Activiti/Flowable) use the Activiti
namespace for the very same attributes, so both are read as one "camunda" vocabulary.
Diagram-interchange namespaces only describe shapes and colours: they never change what a
process does, so their presence on an element is neither read nor reported.
"""

from __future__ import annotations

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
ACTIVITI = "http://activiti.org/bpmn"
ZEEBE = "http://camunda.org/schema/zeebe/1.0"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML = "http://www.w3.org/XML/1998/namespace"
BPMN_IO_COLOR = "http://bpmn.io/schema/bpmn/biocolor/1.0"
OMG_COLOR = "http://www.omg.org/spec/BPMN/non-normative/color/1.0"
CAMUNDA_MODELER = "http://camunda.org/schema/modeler/1.0"
"""Which platform a Camunda Modeler file targets: tool metadata, no process semantics."""

CAMUNDA_NAMESPACES = (CAMUNDA, ACTIVITI)
DIAGRAM_NAMESPACES = frozenset({BPMNDI, DC, DI, BPMN_IO_COLOR, OMG_COLOR})
TOOL_NAMESPACES = frozenset({CAMUNDA_MODELER})
READ_NAMESPACES = frozenset({BPMN, CAMUNDA, ACTIVITI, ZEEBE, SPIFF, XSI, XML})
"""Namespaces whose content the engine reads or that XML itself defines."""

NOT_FOREIGN = READ_NAMESPACES | DIAGRAM_NAMESPACES | TOOL_NAMESPACES


def bpmn(local: str) -> str:
    """The Clark name (``{namespace}local``) of a BPMN model tag."""
    return f"{{{BPMN}}}{local}"


def split(tag: str) -> tuple[str, str]:
    """``{ns}local`` -> ``(ns, local)``; a tag in no namespace gives ``("", local)``."""
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


def local_name(el: etree._Element) -> str:
    return split(str(el.tag))[1]


def is_bpmn(el: etree._Element, *locals_: str) -> bool:
    """True for an element in the BPMN model namespace (and one of ``locals_`` if given)."""
    if not isinstance(el.tag, str):
        return False
    namespace, local = split(el.tag)
    return namespace == BPMN and (not locals_ or local in locals_)


def elements(parent: etree._Element) -> list[etree._Element]:
    """Child elements only: comments and processing instructions have no string tag."""
    return [child for child in parent if isinstance(child.tag, str)]


def bpmn_children(parent: etree._Element, local: str) -> list[etree._Element]:
    return [child for child in elements(parent) if is_bpmn(child, local)]


def qualified_name(el: etree._Element, clark: str) -> str:
    """``prefix:local`` as the document wrote it, for messages a modeler recognises."""
    namespace, local = split(clark)
    for prefix, uri in el.nsmap.items():
        if uri == namespace and prefix:
            return f"{prefix}:{local}"
    return clark


def line_of(el: etree._Element) -> int | None:
    """``sourceline`` with a real type (the lxml stubs leave it untyped)."""
    line = getattr(el, "sourceline", None)
    return line if isinstance(line, int) else None


def text_content(el: etree._Element) -> str:
    """All text inside ``el`` (CDATA included), as written."""
    return "".join(str(part) for part in el.itertext())
