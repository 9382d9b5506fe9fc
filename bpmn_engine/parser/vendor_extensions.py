"""Report vendor extensions the engine recognises the vendor of but does not run.

Extensions from unknown vendors are reported per namespace by ``scan.foreign_extensions``.
The Camunda 7, Zeebe and SpiffWorkflow namespaces are *read*, so that scan skips them -
but reading a namespace is not reading every element in it. A ``camunda:executionListener``
or a ``spiffworkflow:preScript`` looks like behaviour to the author of a diagram; dropping
it without a word would run a different process than the one drawn. The same goes for
``camunda:`` attributes such as ``followUpDate``. Each element
that holds such an extension gets one warning naming it and what is ignored; Camunda's
engine-operation attributes (``asyncBefore``, ``historyTimeToLive``, ...) change nothing
here and are not reported.

The sets below list what the builders read (``builders/``); anything else directly under
``extensionElements`` in these namespaces is reported. Nested content (a ``camunda:script``
inside an input parameter) belongs to its parent and is not looked at here.
"""

from __future__ import annotations

from lxml import etree

from bpmn_engine.parser.errors import Issues
from bpmn_engine.parser.namespaces import (
    ACTIVITI,
    BPMN,
    CAMUNDA,
    SPIFF,
    ZEEBE,
    bpmn_children,
    elements,
    line_of,
    local_name,
    qualified_name,
    split,
)

_CAMUNDA_READ = frozenset(
    {
        "properties",  # builders/extensions.read_properties
        "inputOutput",  # builders/io
        "in",  # builders/call_activity
        "out",
        "formData",  # builders/extensions.read_form_fields
        "failedJobRetryTimeCycle",  # builders/tasks
        "connector",  # makes the task unsupported (support.camunda_connector)
    }
)

READ_EXTENSION_ELEMENTS: dict[str, frozenset[str]] = {
    CAMUNDA: _CAMUNDA_READ,
    ACTIVITI: _CAMUNDA_READ,
    ZEEBE: frozenset(
        {
            "properties",
            "ioMapping",
            "loopCharacteristics",
            "formDefinition",
            "calledElement",
            "calledDecision",  # builders/business_rule
            "taskDefinition",
            "assignmentDefinition",
            "taskSchedule",
            "priorityDefinition",
            "userTask",  # marks a Camunda-managed user task: every user task here is one
            "subscription",  # builders/event_definitions.zeebe_correlation_key (on messages)
        }
    ),
    SPIFF: frozenset({"properties", "serviceTaskOperator"}),
}


READ_CAMUNDA_ATTRIBUTES = frozenset(
    {
        # builders/tasks.py, builders/extensions.py: assignment, forms, bindings
        "assignee",
        "candidateUsers",
        "candidateGroups",
        "dueDate",
        "priority",
        "formKey",
        "initiator",
        "class",
        "delegateExpression",
        "expression",
        "topic",
        "type",
        "resultVariable",
        "resource",  # makes a script task unsupported (support.external_script)
        # builders/process.py
        "candidateStarterUsers",
        "candidateStarterGroups",
        # builders/loops.py
        "collection",
        "elementVariable",
        # builders/call_activity.py, builders/business_rule.py
        "calledElementBinding",
        "calledElementVersion",
        "decisionRef",
        "decisionRefBinding",
        "decisionRefVersion",
        "mapDecisionResult",
        # builders/event_definitions.py: error catches and the error's message
        "errorCodeVariable",
        "errorMessageVariable",
        "errorMessage",
    }
)
"""``camunda:`` attributes on BPMN elements that the builders read."""

CAMUNDA_ATTRIBUTES_WITHOUT_EFFECT = frozenset(
    {
        # Camunda engine operations, with nothing to do here: every wait state and every
        # service job already commits on its own, and history is kept by retention
        "async",
        "asyncBefore",
        "asyncAfter",
        "exclusive",
        "jobPriority",
        "taskPriority",
        "historyTimeToLive",
        # modeler and tasklist metadata
        "versionTag",
        "isStartableInTasklist",
        "diagramRelationId",
        "modelerTemplate",
        "modelerTemplateVersion",
    }
)


def _unread_camunda_attributes(el: etree._Element) -> list[str]:
    found = []
    for attribute in map(str, el.attrib):
        namespace, name = split(attribute)
        if namespace not in (CAMUNDA, ACTIVITI):
            continue
        if name in READ_CAMUNDA_ATTRIBUTES or name in CAMUNDA_ATTRIBUTES_WITHOUT_EFFECT:
            continue
        found.append(qualified_name(el, attribute))
    return found


def unread_vendor_extensions(el: etree._Element) -> list[str]:
    """Qualified names of the known-vendor attributes and extension elements of ``el``
    that nobody reads."""
    found: dict[str, None] = dict.fromkeys(_unread_camunda_attributes(el))
    for container in bpmn_children(el, "extensionElements"):
        for child in elements(container):
            namespace, name = split(str(child.tag))
            read = READ_EXTENSION_ELEMENTS.get(namespace)
            if read is not None and name not in read:
                found[qualified_name(child, str(child.tag))] = None
    return list(found)


def report_unread_vendor_extensions(root: etree._Element, issues: Issues) -> None:
    """One warning per element, naming the element and each extension it loses."""
    for el in root.iter(f"{{{BPMN}}}*"):
        if local_name(el) == "extensionElements":
            continue
        names = unread_vendor_extensions(el)
        if not names:
            continue
        owner = el.get("id") or f"{local_name(el)}@line{line_of(el)}"
        issues.warning(
            f"{local_name(el)} '{owner}' has {', '.join(names)}, which the engine does not "
            "support: ignored at run time",
            el,
        )
