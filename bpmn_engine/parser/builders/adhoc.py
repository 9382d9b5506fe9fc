"""``adHocSubProcess``: an embedded subprocess whose activities run in no set order.

The children are walked like any subprocess's. What is checked here: ``ordering`` is
``Parallel`` or ``Sequential`` (BPMN 2.0 section 10.3.5), the ``completionCondition``
compiles. That at least one activity can be enabled is checked with the process
(``parser/validation.py``), once the children and flows are known.
"""

from __future__ import annotations

from lxml import etree

from bpmn_engine.model import AdHocSubProcess
from bpmn_engine.parser.builders.loops import check_expression, feel_text
from bpmn_engine.parser.namespaces import bpmn_children, text_content
from bpmn_engine.parser.registry import BuildContext, NodeFields, register

ORDERINGS = ("Parallel", "Sequential")


@register("adHocSubProcess", scope=True)
def build_adhoc_subprocess(
    el: etree._Element, fields: NodeFields, ctx: BuildContext
) -> AdHocSubProcess:
    node_id = fields["id"]
    ordering = (el.get("ordering") or "Parallel").strip()
    if ordering not in ORDERINGS:
        ctx.issues.error(
            f"ordering of ad-hoc subprocess '{node_id}' must be Parallel or Sequential, "
            f"not {ordering!r}",
            el,
            node_id,
        )
        ordering = "Parallel"
    conditions = bpmn_children(el, "completionCondition")
    condition = feel_text(text_content(conditions[0])) if conditions else None
    check_expression(el, node_id, "completionCondition", condition, ctx.issues)
    cancel = (el.get("cancelRemainingInstances") or "true").strip() != "false"
    return AdHocSubProcess(
        **fields,
        ordering=ordering,
        completion_condition=condition,
        cancel_remaining_instances=cancel,
    )
