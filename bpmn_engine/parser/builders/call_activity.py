"""Call activities: Camunda 7 (``calledElement`` + ``camunda:in``/``out``) and Zeebe.

Everything is checked here that can be checked without a database: a missing called
element, an unknown binding, a ``version`` binding without a usable version, a mapping
with neither source nor target. Whether the called key is deployed is only known at
deploy time (``services.calls.unknown_called_keys`` warns) and, finally, at run time
(an incident on the call activity).
"""

from __future__ import annotations

import json

from lxml import etree

from bpmn_engine.interpreter.expressions import ExpressionError, compile_expression
from bpmn_engine.interpreter.expressions.feel import feel_body, is_feel
from bpmn_engine.model import CallActivity, FlowNode, VariableMapping
from bpmn_engine.parser.builders.extensions import (
    camunda_attr,
    children_named,
    extension_elements,
    first_extension,
)
from bpmn_engine.parser.builders.io import is_variable_name
from bpmn_engine.parser.builders.tasks import (
    build_manual_task,
    build_script_task,
    build_task,
    build_user_task,
)
from bpmn_engine.parser.condition_dialects import FEEL_MARKER
from bpmn_engine.parser.errors import Issues
from bpmn_engine.parser.namespaces import CAMUNDA_NAMESPACES, ZEEBE, elements, is_bpmn, local_name
from bpmn_engine.parser.registry import BuildContext, NodeBuilder, NodeFields, register

BINDINGS = ("latest", "deployment", "version")
_TRUE = "true"


def _camunda_mapping(el: etree._Element, owner: str, issues: Issues) -> VariableMapping | None:
    if el.get("variables") == "all":
        return VariableMapping(all_variables=True, local=el.get("local") == _TRUE)
    source, expression, target = el.get("source"), el.get("sourceExpression"), el.get("target")
    if not (source or expression):
        issues.error("a camunda mapping needs source, sourceExpression or variables", el, owner)
        return None
    if expression and not target:
        issues.error("a camunda mapping with sourceExpression needs a target", el, owner)
        return None
    return VariableMapping(
        source=source or None,
        source_expression=expression or None,
        target=target or source,
        local=el.get("local") == _TRUE,
    )


def _camunda_mappings(
    el: etree._Element, tag: str, owner: str, issues: Issues
) -> list[VariableMapping]:
    mappings = []
    for found in extension_elements(el, CAMUNDA_NAMESPACES, tag):
        if tag == "in" and found.get("businessKey") is not None:
            continue  # read by _business_key
        mapping = _camunda_mapping(found, owner, issues)
        if mapping is not None:
            mappings.append(mapping)
    return mappings


def _business_key(el: etree._Element) -> str | None:
    for found in extension_elements(el, CAMUNDA_NAMESPACES, "in"):
        key = found.get("businessKey")
        if key is not None:
            return key
    return None


def _zeebe_mappings(
    el: etree._Element, tag: str, owner: str, issues: Issues
) -> list[VariableMapping]:
    """``zeebe:input``/``zeebe:output`` of a call activity.

    ``= name`` copies a variable; any other ``= expression`` is FEEL, compiled here and
    evaluated at run time (``source_expression`` keeps the marker); a source without
    the marker is a text literal, stored as a FEEL string. Targets must be plain names.
    """
    mappings: list[VariableMapping] = []
    io = first_extension(el, ZEEBE, "ioMapping")
    for found in children_named(io, tag) if io is not None else []:
        mapping = _zeebe_mapping(found, tag, owner, issues)
        if mapping is not None:
            mappings.append(mapping)
    return mappings


def _zeebe_mapping(
    found: etree._Element, tag: str, owner: str, issues: Issues
) -> VariableMapping | None:
    raw = found.get("source") or ""
    target = (found.get("target") or "").strip()
    if not is_variable_name(target):
        issues.error(f"zeebe:{tag} target {target!r} is not a plain variable name", found, owner)
        return None
    if not raw.strip():
        return VariableMapping(source_expression=FEEL_MARKER + "null", target=target)
    if not is_feel(raw):
        literal = json.dumps(raw, ensure_ascii=False)
        return VariableMapping(source_expression=FEEL_MARKER + literal, target=target)
    body = feel_body(raw)
    if body.isidentifier():
        return VariableMapping(source=body, target=target)
    try:
        compile_expression(raw)
    except ExpressionError as error:
        issues.error(f"zeebe:{tag} source {raw!r} does not compile: {error.message}", found, owner)
        return None
    return VariableMapping(source_expression=raw.strip(), target=target)


def _called(el: etree._Element, owner: str, issues: Issues) -> tuple[str, bool]:
    """The called key and whether it came from Zeebe (which propagates all by default)."""
    called = el.get("calledElement")
    if called:
        return called, False
    zeebe = first_extension(el, ZEEBE, "calledElement")
    if zeebe is not None and zeebe.get("processId"):
        return zeebe.get("processId", "").lstrip("=").strip(), True
    issues.error("call activity has no calledElement (the key of the process to call)", el, owner)
    return "", False


def _binding(el: etree._Element, owner: str, issues: Issues) -> tuple[str, str | None]:
    binding = camunda_attr(el, "calledElementBinding") or "latest"
    version = camunda_attr(el, "calledElementVersion")
    if binding not in BINDINGS:
        issues.error(
            f"camunda:calledElementBinding {binding!r} is not one of {', '.join(BINDINGS)}",
            el,
            owner,
        )
    elif binding == "version":
        if not version:
            issues.error('calledElementBinding="version" needs camunda:calledElementVersion', el)
        elif "${" not in version and not (version.isdigit() and int(version) > 0):
            issues.error(f"camunda:calledElementVersion {version!r} is not a version number", el)
    return binding, version


_GLOBAL_TASKS: dict[str, NodeBuilder] = {
    "globalTask": build_task,
    "globalManualTask": build_manual_task,
    "globalUserTask": build_user_task,
    "globalScriptTask": build_script_task,
}
"""Global tasks a call activity can call, and the builder of the task they stand for."""


def _global_task(el: etree._Element, called: str | None) -> etree._Element | None:
    """The global task of this file with id ``called``, if there is one."""
    if not called:
        return None
    root = el.getroottree().getroot()
    for child in elements(root):
        if is_bpmn(child) and local_name(child) in _GLOBAL_TASKS and child.get("id") == called:
            return child
    return None


@register("callActivity")
def build_call_activity(el: etree._Element, fields: NodeFields, ctx: BuildContext) -> FlowNode:
    """A call activity; one that calls a global task of the same file (BPMN 2.0 10.2.5)
    runs that task in its place: it is built as the task, with the call activity's id."""
    global_task = _global_task(el, el.get("calledElement"))
    if global_task is not None:
        return _GLOBAL_TASKS[local_name(global_task)](global_task, fields, ctx)
    owner = fields["id"]
    called, zeebe = _called(el, owner, ctx.issues)
    binding, version = _binding(el, owner, ctx.issues)
    ins = _camunda_mappings(el, "in", owner, ctx.issues)
    outs = _camunda_mappings(el, "out", owner, ctx.issues)
    if zeebe:
        ins += _zeebe_mappings(el, "input", owner, ctx.issues)
        outs += _zeebe_mappings(el, "output", owner, ctx.issues)
        if not ins:  # Zeebe passes every variable unless inputs are given
            ins = [VariableMapping(all_variables=True)]
        if not outs:
            outs = [VariableMapping(all_variables=True)]
    return CallActivity(
        **fields,
        called_element=called,
        binding=binding,
        version=version,
        in_mappings=tuple(ins),
        out_mappings=tuple(outs),
        business_key=_business_key(el),
    )
