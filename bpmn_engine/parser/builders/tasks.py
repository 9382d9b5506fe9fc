"""Tasks: plain, manual, user, service and script.

How a service task is bound to code varies by vendor; ``_service_binding`` maps each
dialect onto the model's one ``binding``/``topic`` pair so the runtime has a single
dispatch rule. Scripts are kept as written (minus surrounding blank lines) and their
position recorded, so a syntax error can point at its line in the file.
"""

from __future__ import annotations

import textwrap
from typing import TypedDict

from lxml import etree

from bpmn_engine.model import ManualTask, ScriptTask, ServiceTask, Task, UserTask
from bpmn_engine.parser.builders.common import text_of
from bpmn_engine.parser.builders.extensions import (
    camunda_attr,
    extension_elements,
    first_extension,
    read_form_fields,
    read_form_key,
)
from bpmn_engine.parser.errors import Issues
from bpmn_engine.parser.namespaces import (
    CAMUNDA_NAMESPACES,
    SPIFF,
    ZEEBE,
    bpmn_children,
    line_of,
    text_content,
)
from bpmn_engine.parser.registry import BuildContext, NodeFields, register


@register("task")
def build_task(el: etree._Element, fields: NodeFields, ctx: BuildContext) -> Task:
    return Task(**fields)


@register("manualTask")
def build_manual_task(el: etree._Element, fields: NodeFields, ctx: BuildContext) -> ManualTask:
    return ManualTask(**fields)


def _zeebe_attr(el: etree._Element, extension: str, name: str) -> str | None:
    found = first_extension(el, ZEEBE, extension)
    return found.get(name) if found is not None else None


def _either(*values: str | None) -> str | None:
    return next((value for value in values if value is not None), None)


@register("userTask")
def build_user_task(el: etree._Element, fields: NodeFields, ctx: BuildContext) -> UserTask:
    return UserTask(
        **fields,
        assignee=_either(
            camunda_attr(el, "assignee"), _zeebe_attr(el, "assignmentDefinition", "assignee")
        ),
        candidate_users=_either(
            camunda_attr(el, "candidateUsers"),
            _zeebe_attr(el, "assignmentDefinition", "candidateUsers"),
        ),
        candidate_groups=_either(
            camunda_attr(el, "candidateGroups"),
            _zeebe_attr(el, "assignmentDefinition", "candidateGroups"),
        ),
        due_date=_either(camunda_attr(el, "dueDate"), _zeebe_attr(el, "taskSchedule", "dueDate")),
        priority=_either(
            camunda_attr(el, "priority"), _zeebe_attr(el, "priorityDefinition", "priority")
        ),
        form_key=read_form_key(el),
        form_fields=read_form_fields(el, ctx.issues),
    )


class _Binding(TypedDict):
    binding: str
    topic: str
    expression: str | None


def _binding(binding: str, topic: str, expression: str | None = None) -> _Binding:
    return {"binding": binding, "topic": topic, "expression": expression}


def _service_binding(el: etree._Element, task_id: str, issues: Issues) -> _Binding:
    """The first binding found, in Camunda 7, Zeebe, SpiffWorkflow order."""
    if camunda_attr(el, "type") == "external":
        topic = camunda_attr(el, "topic")
        if not topic:
            issues.error('camunda:type="external" needs a camunda:topic', el, task_id)
        return _binding("external", topic or task_id)
    for attribute in ("class", "delegateExpression"):
        value = camunda_attr(el, attribute)
        if value:
            return _binding(attribute, value)
    expression = camunda_attr(el, "expression")
    if expression:
        return _binding("expression", "", expression)
    zeebe_type = _zeebe_attr(el, "taskDefinition", "type")
    if zeebe_type:
        return _binding("zeebe", zeebe_type)
    operator = first_extension(el, SPIFF, "serviceTaskOperator")
    if operator is not None and operator.get("id"):
        return _binding("spiff", operator.get("id", ""))
    issues.warning(f"no implementation: runs as external task with topic '{task_id}'", el, task_id)
    return _binding("none", task_id)


def _retry_time_cycle(el: etree._Element) -> str | None:
    found = extension_elements(el, CAMUNDA_NAMESPACES, "failedJobRetryTimeCycle")
    return text_of(found[0]) if found else None


@register("serviceTask")
def build_service_task(el: etree._Element, fields: NodeFields, ctx: BuildContext) -> ServiceTask:
    return ServiceTask(
        **fields,
        **_service_binding(el, fields["id"], ctx.issues),
        result_variable=camunda_attr(el, "resultVariable"),
        retry_time_cycle=_retry_time_cycle(el),
    )


def _script_source(script: etree._Element | None) -> tuple[str, int | None]:
    """The script without surrounding blank lines, and the file line it starts on."""
    if script is None:
        return "", None
    raw = text_content(script)
    stripped = raw.lstrip("\r\n\t ")
    leading = raw[: len(raw) - len(stripped)]
    source = textwrap.dedent(leading[leading.rfind("\n") + 1 :] + stripped).rstrip()
    first_line = (line_of(script) or 1) + leading.count("\n")
    return source, first_line


@register("scriptTask")
def build_script_task(el: etree._Element, fields: NodeFields, ctx: BuildContext) -> ScriptTask:
    scripts = bpmn_children(el, "script")
    source, first_line = _script_source(scripts[0] if scripts else None)
    if first_line is not None:
        ctx.script_lines[fields["id"]] = first_line
    return ScriptTask(
        **fields,
        script=source,
        script_format=el.get("scriptFormat", ""),
        result_variable=camunda_attr(el, "resultVariable"),
    )
