"""Hardened loading of uploaded XML.

Diagrams come from users, so the XML features that read other files, reach the network
or expand without bound (external entities, external DTDs, entity expansion bombs) are
switched off in lxml *and* any document type declaration is refused outright: BPMN never
needs one, so there is no legitimate file we turn away by doing so.
"""

from __future__ import annotations

import re

from lxml import etree

from bpmn_engine.parser.errors import BpmnParseError, DeployIssue
from bpmn_engine.parser.namespaces import BPMN, bpmn, line_of

_DECLARATIONS = ("DOCTYPE", "ENTITY")
_ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
"""Encodings lxml detects from the first bytes; '<!DOCTYPE' looks different in each."""
_LXML_POSITION = re.compile(r", line \d+, column \d+$")


def _parser() -> etree.XMLParser:
    """A new parser per call: lxml parsers keep state and are not thread-safe."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
    )


def _refuse(
    filename: str, message: str, line: int | None = None, column: int | None = None
) -> BpmnParseError:
    return BpmnParseError(filename, [DeployIssue(message, line, None, column)])


def _check_size(data: bytes, filename: str, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise _refuse(
            filename, f"the file is {len(data)} bytes, above the limit of {max_bytes} bytes"
        )


def _check_no_declarations(data: bytes, filename: str) -> None:
    """Cheap scan before lxml sees the bytes: nothing in a DTD is ever acted upon."""
    for encoding in _ENCODINGS:
        for kind in _DECLARATIONS:
            found = data.find(f"<!{kind}".encode(encoding))
            if found >= 0:
                line = data.count("\n".encode(encoding), 0, found) + 1
                raise _refuse(
                    filename,
                    f"<!{kind}> declarations are not allowed in BPMN files "
                    "(document type and entity declarations are refused for safety)",
                    line,
                )


def _check_no_doctype(root: etree._Element, filename: str) -> None:
    """Second line of defence, for any encoding the byte scan does not know."""
    docinfo = root.getroottree().docinfo
    declared = getattr(docinfo, "doctype", "")
    if declared or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise _refuse(
            filename,
            "<!DOCTYPE> declarations are not allowed in BPMN files "
            "(document type and entity declarations are refused for safety)",
            1,
        )


def parse_hardened(data: bytes, *, filename: str, max_bytes: int) -> etree._Element:
    """Parse ``data`` safely and return its root element, whatever it is (BPMN and DMN
    uploads both come through here).

    Raises ``BpmnParseError`` with a single issue when the bytes are too large, declare a
    DTD or entity, or are not well-formed XML.
    """
    _check_size(data, filename, max_bytes)
    _check_no_declarations(data, filename)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line, column = (int(part) for part in exc.position)
        message = _LXML_POSITION.sub("", exc.msg or "malformed XML")
        raise _refuse(filename, f"not well-formed XML: {message}", line, column) from None
    _check_no_doctype(root, filename)
    return root


def load_document(data: bytes, *, filename: str, max_bytes: int) -> etree._Element:
    """Parse ``data`` safely and return the ``bpmn:definitions`` root element.

    Raises ``BpmnParseError`` with a single issue when the bytes are too large, declare a
    DTD or entity, are not well-formed XML, or are XML but not a BPMN 2.0 document.
    """
    root = parse_hardened(data, filename=filename, max_bytes=max_bytes)
    if root.tag != bpmn("definitions"):
        raise _refuse(
            filename,
            f"the root element is {root.tag!s}, not a BPMN 2.0 <definitions> element "
            f"in namespace {BPMN}",
            line_of(root),
        )
    return root
