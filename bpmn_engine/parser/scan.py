"""Checks that need the XML document itself rather than the built model.

Ids are unique across the whole file (diagram shapes included), and vendor extensions
we do not read are summarised as one warning per namespace, so a modeler learns that,
say, Signavio metadata is kept but has no effect, without one warning per element.
"""

from __future__ import annotations

from lxml import etree

from bpmn_engine.parser.builders.extensions import foreign_entries
from bpmn_engine.parser.errors import Issues
from bpmn_engine.parser.namespaces import BPMN, DIAGRAM_NAMESPACES, line_of, local_name, split
from bpmn_engine.parser.vendor_extensions import report_unread_vendor_extensions

_ID_NAMESPACES = frozenset({BPMN}) | DIAGRAM_NAMESPACES


def duplicate_ids(root: etree._Element, issues: Issues) -> None:
    first_seen: dict[str, int | None] = {}
    for el in root.iter():
        if not isinstance(el.tag, str) or split(el.tag)[0] not in _ID_NAMESPACES:
            continue
        element_id = el.get("id")
        if element_id is None:
            continue
        if element_id in first_seen:
            issues.error(
                f"duplicate id '{element_id}' (first used on line {first_seen[element_id]})", el
            )
        else:
            first_seen[element_id] = line_of(el)


def foreign_extensions(root: etree._Element, issues: Issues) -> None:
    """One warning per foreign namespace, naming what it holds and where."""
    found: dict[str, tuple[etree._Element, dict[str, None], dict[str, None]]] = {}
    for el in root.iter(f"{{{BPMN}}}*"):
        if local_name(el) == "extensionElements":
            continue
        for name, namespace in foreign_entries(el).items():
            first, names, owners = found.setdefault(namespace, (el, {}, {}))
            names[name] = None
            owners[el.get("id") or f"{local_name(el)}@line{line_of(el)}"] = None
    for namespace, (first, names, owners) in found.items():
        issues.warning(
            f"extensions from namespace {namespace} are not read by the engine and only "
            f"stay in the stored XML: {', '.join(names)} on "
            f"{', '.join(repr(owner) for owner in owners)}",
            first,
        )


def scan_document(root: etree._Element, issues: Issues) -> None:
    duplicate_ids(root, issues)
    foreign_extensions(root, issues)
    report_unread_vendor_extensions(root, issues)
