"""``camunda:inputOutput`` mappings of activities.

Parameters are text (a literal or a ``${...}`` template), empty (null), or
``camunda:list``/``camunda:map`` of text values; each template must compile, so a typo
fails the upload. ``camunda:script`` parameters run other languages and are refused.

Zeebe's ``zeebe:ioMapping`` becomes the same ``InputOutput``: each ``source`` that
carries the ``=`` marker is a FEEL expression (kind ``feel``), any other source is a
literal. Call activities read their Zeebe mappings themselves (``call_activity.py``).
Zeebe writes into nested targets (``to.name``) and its FEEL is wider than the subset the
safe evaluator runs; a mapping using either is kept whole out of the run and reported as
a warning naming the element, rather than refusing diagrams exported from Camunda 8 that
otherwise run (or applying half of an element's mappings).
"""

from __future__ import annotations

from lxml import etree

from bpmn_engine.interpreter.expressions import (
    ExpressionError,
    compile_expression,
    compile_template,
)
from bpmn_engine.interpreter.expressions.feel import is_feel
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
        return _zeebe_io(zeebe, node_id, issues)
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


def is_variable_name(text: str) -> bool:
    """A name a Zeebe mapping can write: one word, or words separated by single spaces
    (FEEL reads ``Vacation Approval`` as one name, MIWG C.8.0). ``a.b`` is a path."""
    return bool(text) and all(word.isidentifier() for word in text.split(" "))


def _zeebe_parameter(el: etree._Element) -> IoParameter | str:
    """One ``zeebe:input``/``zeebe:output``, or why it cannot run here."""
    source = el.get("source") or ""
    target = (el.get("target") or "").strip()
    if not is_variable_name(target):
        return f"target {target!r} is not a plain variable name"
    if not source.strip():
        return IoParameter(name=target, kind="null")
    if not is_feel(source):
        return IoParameter(name=target, kind="literal", template=source)
    try:
        compile_expression(source)
    except ExpressionError as error:
        return f"source {source!r} is outside the FEEL subset: {error.message}"
    return IoParameter(name=target, kind="feel", template=source)


def _zeebe_io(io: etree._Element, node_id: str, issues: Issues) -> InputOutput | None:
    """``zeebe:input``/``zeebe:output`` as an ``InputOutput``, or None (with a warning)
    when any of them cannot run: an element's mappings apply together or not at all."""
    found: dict[str, list[IoParameter]] = {"input": [], "output": []}
    problems: list[str] = []
    for tag, target in found.items():
        for child in children_named(io, tag):
            parameter = _zeebe_parameter(child)
            if isinstance(parameter, str):
                problems.append(f"zeebe:{tag} {parameter}")
            else:
                target.append(parameter)
    if problems:
        issues.warning(
            f"zeebe:ioMapping of '{node_id}' is not applied: {'; '.join(problems)}",
            io,
            node_id,
        )
        return None
    return InputOutput(inputs=tuple(found["input"]), outputs=tuple(found["output"]))
