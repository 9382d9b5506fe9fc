"""``camunda:inputOutput`` mappings of activities.

Parameters are text (a literal or a ``${...}`` template), empty (null), or
``camunda:list``/``camunda:map`` of text values; each template must compile, so a typo
fails the upload. ``camunda:script`` parameters run other languages and are refused.
Zeebe's ``zeebe:ioMapping`` is written in FEEL, which the safe language does not cover:
on activities other than call activities (which read plain ``=name`` mappings
themselves) it is reported as a warning and not applied.
"""

from __future__ import annotations

from lxml import etree

from bpmn_engine.interpreter.expressions import ExpressionError, compile_template
from bpmn_engine.model import InputOutput, IoParameter
from bpmn_engine.parser.builders.extensions import (
    children_named,
    extension_elements,
    first_extension,
)
from bpmn_engine.parser.errors import Issues
from bpmn_engine.parser.namespaces import CAMUNDA_NAMESPACES, ZEEBE, elements, split, text_content


def _checked(template: str, owner: etree._Element, node_id: str, issues: Issues) -> str:
    try:
        compile_template(template)
    except ExpressionError as error:
        issues.error(
            f"parameter '{owner.get('name')}' does not compile: {error.message} in {template!r}",
            owner,
            node_id,
        )
    return template


def _parameter(el: etree._Element, node_id: str, issues: Issues) -> IoParameter | None:
    name = el.get("name")
    if not name:
        issues.error("camunda:inputOutput parameter has no name", el, node_id)
        return None
    children = elements(el)
    if not children:
        text = text_content(el).strip()
        if not text:
            return IoParameter(name=name, kind="null")
        return IoParameter(name=name, template=_checked(text, el, node_id, issues))
    kind = split(str(children[0].tag))[1]
    if kind == "list":
        values = children_named(children[0], "value")
        entries = tuple(
            ("", _checked(text_content(v).strip(), el, node_id, issues)) for v in values
        )
        return IoParameter(name=name, kind="list", entries=entries)
    if kind == "map":
        found = children_named(children[0], "entry")
        entries = tuple(
            (e.get("key", ""), _checked(text_content(e).strip(), el, node_id, issues))
            for e in found
        )
        return IoParameter(name=name, kind="map", entries=entries)
    issues.error(f"camunda:{kind} parameter '{name}' is not supported yet", el, node_id)
    return None


def read_io(el: etree._Element, node_id: str, issues: Issues) -> InputOutput | None:
    """The activity's ``camunda:inputOutput``, or None; problems go to ``issues``."""
    zeebe = first_extension(el, ZEEBE, "ioMapping")
    if zeebe is not None and split(str(el.tag))[1] != "callActivity":
        issues.warning("zeebe:ioMapping (FEEL) is not applied yet", zeebe, node_id)
    found = extension_elements(el, CAMUNDA_NAMESPACES, "inputOutput")
    if not found:
        return None
    inputs: list[IoParameter] = []
    outputs: list[IoParameter] = []
    for container in found:
        for tag, target in (("inputParameter", inputs), ("outputParameter", outputs)):
            for child in children_named(container, tag):
                parameter = _parameter(child, node_id, issues)
                if parameter is not None:
                    target.append(parameter)
    return InputOutput(inputs=tuple(inputs), outputs=tuple(outputs))
