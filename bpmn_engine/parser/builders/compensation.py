"""Reading ``compensateEventDefinition`` and ``cancelEventDefinition`` (called from
``event_definitions._one``), and building transaction subprocesses.

A compensation boundary event is bound to its handler by an ``association`` (source the
boundary, target an ``isForCompensation`` activity), not by a sequence flow. The parser
resolves that association here, so the model carries the handler id on the definition.
"""

from __future__ import annotations

from lxml import etree

from bpmn_engine.model import CancelEventDefinition, CompensateEventDefinition, Transaction
from bpmn_engine.parser.errors import Issues
from bpmn_engine.parser.namespaces import bpmn, is_bpmn
from bpmn_engine.parser.registry import BuildContext, NodeFields, register


def _by_id(el: etree._Element, element_id: str) -> etree._Element | None:
    for candidate in el.getroottree().getroot().iter():
        if isinstance(candidate.tag, str) and candidate.get("id") == element_id:
            return candidate
    return None


def _handler(el: etree._Element, issues: Issues) -> str | None:
    """The target of the association leaving the boundary event ``el``."""
    event_id = el.get("id", "")
    root = el.getroottree().getroot()
    for association in root.iter(bpmn("association")):
        if association.get("sourceRef") != event_id:
            continue
        target_id = association.get("targetRef", "")
        target = _by_id(el, target_id)
        if target is None or target.get("isForCompensation") != "true":
            issues.error(
                f"compensation boundary event '{event_id}' is associated with '{target_id}', "
                'which is not an activity with isForCompensation="true"',
                association,
                event_id,
            )
            return None
        return target_id
    issues.error(
        f"compensation boundary event '{event_id}' has no association to a compensation handler",
        el,
        event_id,
    )
    return None


def compensate_definition(
    el: etree._Element, definition: etree._Element, issues: Issues
) -> CompensateEventDefinition:
    def_id = definition.get("id", "")
    if is_bpmn(el, "boundaryEvent"):
        return CompensateEventDefinition(id=def_id, handler=_handler(el, issues))
    activity_ref = definition.get("activityRef") or None
    if activity_ref is not None and _by_id(el, activity_ref) is None:
        issues.error(
            f"compensateEventDefinition of '{el.get('id')}' refers to activity "
            f"'{activity_ref}', which does not exist",
            definition,
            el.get("id"),
        )
    wait = definition.get("waitForCompletion", "true").strip() not in ("false", "0")
    return CompensateEventDefinition(id=def_id, activity_ref=activity_ref, wait_for_completion=wait)


@register("transaction", scope=True)
def build_transaction(el: etree._Element, fields: NodeFields, ctx: BuildContext) -> Transaction:
    return Transaction(**fields)


def cancel_definition(
    el: etree._Element, definition: etree._Element, issues: Issues
) -> CancelEventDefinition:
    """Only reached for a cancel end event directly in a transaction or a cancel boundary
    on one: ``event_support`` keeps any other use as "not supported yet"."""
    return CancelEventDefinition(id=definition.get("id", ""))
