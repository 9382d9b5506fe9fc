"""Loading DMN bytes: the same hardened XML loading as BPMN uploads (size limit, no DTD
or entities, no network), imported from ``bpmn_engine.parser.xml`` rather than copied,
plus the check that the root is a DMN ``<definitions>`` element."""

from __future__ import annotations

from lxml import etree

from bpmn_engine.parser.namespaces import line_of, split
from bpmn_engine.parser.xml import _refuse, parse_hardened

DMN13 = "https://www.omg.org/spec/DMN/20191111/MODEL/"
DMN12 = "http://www.omg.org/spec/DMN/20180521/MODEL/"
DMN11 = "http://www.omg.org/spec/DMN/20151101/dmn.xsd"
DMN_NAMESPACES = (DMN13, DMN12, DMN11)
"""DMN 1.3, plus the 1.2 and 1.1 namespaces older Camunda Modeler versions write."""


def load_dmn(data: bytes, filename: str, max_bytes: int) -> etree._Element:
    """The root element of a DMN file, or ``BpmnParseError`` naming file and line."""
    root = parse_hardened(data, filename=filename, max_bytes=max_bytes)
    namespace, local = split(str(root.tag))
    if local != "definitions" or namespace not in DMN_NAMESPACES:
        raise _refuse(
            filename,
            f"the root element is {root.tag!s}, not a DMN <definitions> element in "
            f"namespace {DMN13} (or the DMN 1.2 / 1.1 namespace)",
            line_of(root),
        )
    return root
