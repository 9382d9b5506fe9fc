"""The ``definitions`` root: processes, collaborations, messages, imports.

Imports are recorded for the operator and never followed: loading another file named by
an upload would let a diagram read the server's files or the network.
"""

from __future__ import annotations

from types import MappingProxyType

from lxml import etree

from bpmn_engine.model import Collaboration, Definitions, Import, Message, Participant
from bpmn_engine.parser.builders.common import element_id
from bpmn_engine.parser.builders.process import build_process
from bpmn_engine.parser.namespaces import (
    BPMNDI,
    bpmn_children,
    elements,
    is_bpmn,
    line_of,
    local_name,
)
from bpmn_engine.parser.registry import BuildContext

ROOT_CHILDREN = frozenset(
    {
        "import",
        "extension",
        "relationship",
        "documentation",
        "extensionElements",
        # rootElement substitution group of the BPMN 2.0 schema
        "process",
        "collaboration",
        "choreography",
        "globalConversation",
        "category",
        "correlationProperty",
        "dataStore",
        "endPoint",
        "error",
        "escalation",
        "interface",
        "itemDefinition",
        "message",
        "partnerEntity",
        "partnerRole",
        "resource",
        "signal",
        "eventDefinition",
        "cancelEventDefinition",
        "compensateEventDefinition",
        "conditionalEventDefinition",
        "errorEventDefinition",
        "escalationEventDefinition",
        "linkEventDefinition",
        "messageEventDefinition",
        "signalEventDefinition",
        "terminateEventDefinition",
        "timerEventDefinition",
        "globalTask",
        "globalBusinessRuleTask",
        "globalManualTask",
        "globalScriptTask",
        "globalUserTask",
    }
)


def local_ref(value: str | None) -> str | None:
    """A QName reference (``tns:Process_1``) reduced to the id it names."""
    if not value:
        return None
    return value.rpartition(":")[2]


def _check_participant(el: etree._Element, process_ids: set[str], ctx: BuildContext) -> None:
    process_id = local_ref(el.get("processRef"))
    if process_id is not None and process_id not in process_ids:
        ctx.issues.error(
            f"participant refers to process '{process_id}', which this file does not define", el
        )


def _collaboration(el: etree._Element, process_ids: set[str], ctx: BuildContext) -> Collaboration:
    for participant in bpmn_children(el, "participant"):
        _check_participant(participant, process_ids, ctx)
    participants = tuple(
        Participant(
            id=element_id(participant, ctx.issues),
            name=participant.get("name", ""),
            process_id=local_ref(participant.get("processRef")),
        )
        for participant in bpmn_children(el, "participant")
    )
    return Collaboration(
        id=element_id(el, ctx.issues),
        name=el.get("name", ""),
        participants=participants,
        message_flow_ids=tuple(flow.get("id", "") for flow in bpmn_children(el, "messageFlow")),
    )


def _check_root_children(root: etree._Element, ctx: BuildContext) -> None:
    for child in elements(root):
        if is_bpmn(child) and local_name(child) not in ROOT_CHILDREN:
            ctx.issues.error(f"unknown BPMN element <{local_name(child)}> in definitions", child)


def build_definitions(root: etree._Element, ctx: BuildContext) -> Definitions:
    _check_root_children(root, ctx)
    ctx.default_expression_language = root.get("expressionLanguage", "").strip()
    messages = {
        message.get("id", ""): Message(id=message.get("id", ""), name=message.get("name", ""))
        for message in bpmn_children(root, "message")
    }
    imports = tuple(
        Import(
            namespace=imp.get("namespace", ""),
            location=imp.get("location", ""),
            import_type=imp.get("importType", ""),
            line=line_of(imp),
        )
        for imp in bpmn_children(root, "import")
    )
    processes = tuple(build_process(el, ctx) for el in bpmn_children(root, "process"))
    process_ids = {process.id for process in processes}
    return Definitions(
        id=root.get("id", ""),
        name=root.get("name", ""),
        target_namespace=root.get("targetNamespace", ""),
        exporter=root.get("exporter", ""),
        exporter_version=root.get("exporterVersion", ""),
        processes=processes,
        collaborations=tuple(
            _collaboration(el, process_ids, ctx) for el in bpmn_children(root, "collaboration")
        ),
        messages=MappingProxyType(messages),
        imports=imports,
        has_diagram=any(child.tag == f"{{{BPMNDI}}}BPMNDiagram" for child in elements(root)),
    )
