"""What the engine recognises but cannot run yet, and how to tell.

Two kinds of "not yet": a whole tag (``boundaryEvent``) with no builder, and a supported
tag used with a feature we do not run (a ``startEvent`` with a timer, a ``userTask`` with
multi-instance). Both become ``UnsupportedNode`` placeholders: an executable process that
holds one is refused at deploy, a non-executable one keeps it for viewing.

To support a tag: register its builder and drop it from ``UNSUPPORTED_NODES``. To support
a feature: drop its check below.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from bpmn_engine.parser.event_support import unsupported_event_definition
from bpmn_engine.parser.namespaces import CAMUNDA_NAMESPACES, elements, is_bpmn, local_name

UNSUPPORTED_NODES = frozenset(
    {
        "implicitThrowEvent",
        "callChoreography",
        "choreographyTask",
        "subChoreography",
    }
)
"""Flow-node tags of the BPMN 2.0 schema that have no builder yet."""

SupportCheck = Callable[[etree._Element], str | None]
"""Returns the name of the unsupported feature ``el`` uses, or None."""


def _event_definitions(el: etree._Element) -> list[str]:
    return [
        local_name(child)
        for child in elements(el)
        if is_bpmn(child)
        and (
            local_name(child).endswith("EventDefinition")
            or local_name(child) == "eventDefinitionRef"
        )
    ]


def start_event_definitions(el: etree._Element) -> str | None:
    """See ``event_support.SUPPORTED_DEFINITIONS`` for the definitions that run."""
    return unsupported_event_definition(el)


def end_event_definitions(el: etree._Element) -> str | None:
    """See ``event_support.SUPPORTED_DEFINITIONS`` for the definitions that run."""
    return unsupported_event_definition(el)


def event_subprocess(el: etree._Element) -> str | None:
    return "triggeredByEvent" if el.get("triggeredByEvent") == "true" else None


def empty_subprocess(el: etree._Element) -> str | None:
    """A collapsed subprocess drawn as a placeholder, with nothing inside to run."""
    from bpmn_engine.parser.registry import NODE_KINDS  # filled once builders import

    flow_tags = NODE_KINDS.keys() | UNSUPPORTED_NODES
    if any(is_bpmn(child) and local_name(child) in flow_tags for child in elements(el)):
        return None
    return "no flow elements"


def external_script(el: etree._Element) -> str | None:
    """``camunda:resource`` loads the script from elsewhere; we only run inline scripts."""
    for namespace in CAMUNDA_NAMESPACES:
        if el.get(f"{{{namespace}}}resource"):
            return "camunda:resource"
    return None


def camunda_connector(el: etree._Element) -> str | None:
    """Camunda connectors (``camunda:type="mail"``, ``camunda:connector``) do not run here."""
    for namespace in CAMUNDA_NAMESPACES:
        kind = el.get(f"{{{namespace}}}type")
        if kind is not None and kind != "external":
            return f'camunda:type="{kind}"'
    for container in elements(el):
        if is_bpmn(container, "extensionElements"):
            for child in elements(container):
                if child.tag in {f"{{{namespace}}}connector" for namespace in CAMUNDA_NAMESPACES}:
                    return "camunda:connector"
    return None


_ACTIVITY_CHECKS: tuple[SupportCheck, ...] = ()
"""Every loop runs: multi-instance with any event behavior, and standard loops; loops
drawn without a count or an end deploy with a warning (see builders/loops.py)."""

SUPPORT_CHECKS: dict[str, tuple[SupportCheck, ...]] = {
    "startEvent": (start_event_definitions,),
    "endEvent": (end_event_definitions,),
    "task": _ACTIVITY_CHECKS,
    "manualTask": _ACTIVITY_CHECKS,
    "userTask": _ACTIVITY_CHECKS,
    "serviceTask": (*_ACTIVITY_CHECKS, camunda_connector),
    "sendTask": (*_ACTIVITY_CHECKS, camunda_connector),
    "businessRuleTask": (*_ACTIVITY_CHECKS, camunda_connector),
    "scriptTask": (*_ACTIVITY_CHECKS, external_script),
    "subProcess": _ACTIVITY_CHECKS,  # an empty one completes at once (behaviors/subprocess)
    "transaction": (*_ACTIVITY_CHECKS, empty_subprocess),
    "adHocSubProcess": (*_ACTIVITY_CHECKS, empty_subprocess),
    "callActivity": _ACTIVITY_CHECKS,
    "intermediateCatchEvent": (unsupported_event_definition,),
    "intermediateThrowEvent": (unsupported_event_definition,),
    "boundaryEvent": (unsupported_event_definition,),
    "receiveTask": _ACTIVITY_CHECKS,
}


def unsupported_feature(el: etree._Element) -> str | None:
    """The first unsupported feature a supported tag is used with, if any."""
    for check in SUPPORT_CHECKS.get(local_name(el), ()):
        feature = check(el)
        if feature is not None:
            return feature
    return None
