"""Business rule tasks: a DMN decision (``camunda:decisionRef`` or Camunda 8's
``zeebe:calledDecision``) or a service binding.

Camunda lets a ``businessRuleTask`` either evaluate a decision or be implemented like a
service task (``camunda:class``, an external topic, ...). With a ``decisionRef`` the
binding is ``"decision"`` and the interpreter evaluates it in place; otherwise the service
task rules apply unchanged. Whether the referenced decision exists is checked at deploy by
the services (it may come in the same deployment, or later), not here.
"""

from __future__ import annotations

from lxml import etree

from bpmn_engine.dmn.results import DECISION_OUTPUT
from bpmn_engine.interpreter.expressions import ExpressionError, compile_expression
from bpmn_engine.interpreter.expressions.feel import is_feel
from bpmn_engine.model import BusinessRuleTask
from bpmn_engine.parser.builders.extensions import camunda_attr, first_extension
from bpmn_engine.parser.builders.tasks import _retry_time_cycle, _service_binding
from bpmn_engine.parser.errors import Issues
from bpmn_engine.parser.namespaces import ZEEBE
from bpmn_engine.parser.registry import BuildContext, NodeFields, register

BINDINGS = ("latest", "deployment", "version")
RESULT_MAPPINGS = ("singleEntry", "singleResult", "collectEntries", "resultList")
"""Camunda's ``mapDecisionResult`` values (``bpmn_engine.dmn.results`` applies them)."""


@register("businessRuleTask")
def build_business_rule_task(
    el: etree._Element, fields: NodeFields, ctx: BuildContext
) -> BusinessRuleTask:
    result_variable = camunda_attr(el, "resultVariable")
    retry_time_cycle = _retry_time_cycle(el)
    decision_ref = (camunda_attr(el, "decisionRef") or "").strip()
    called = first_extension(el, ZEEBE, "calledDecision")
    if not decision_ref and called is not None:
        return _zeebe_decision(el, called, fields, ctx.issues, retry_time_cycle)
    if not decision_ref:
        return BusinessRuleTask(
            **fields,
            **_service_binding(el, fields["id"], ctx.issues),
            result_variable=result_variable,
            retry_time_cycle=retry_time_cycle,
        )
    binding = camunda_attr(el, "decisionRefBinding") or "latest"
    mapping = camunda_attr(el, "mapDecisionResult") or "resultList"
    issues = ctx.issues
    if binding not in BINDINGS:
        issues.error(
            f"camunda:decisionRefBinding '{binding}' is not one of {', '.join(BINDINGS)}", el
        )
    if mapping not in RESULT_MAPPINGS:
        issues.error(
            f"camunda:mapDecisionResult '{mapping}' is not one of {', '.join(RESULT_MAPPINGS)}",
            el,
        )
    return BusinessRuleTask(
        **fields,
        binding="decision",
        topic="",
        expression=None,
        result_variable=result_variable,
        retry_time_cycle=retry_time_cycle,
        decision_ref=decision_ref,
        decision_binding=binding,
        decision_version=_version(el, binding, issues),
        map_decision_result=mapping,
    )


def _version(el: etree._Element, binding: str, issues: Issues) -> int | None:
    raw = camunda_attr(el, "decisionRefVersion")
    if binding != "version":
        if raw is not None:
            issues.warning(
                f'camunda:decisionRefVersion is ignored with decisionRefBinding="{binding}"', el
            )
        return None
    if raw is None or not raw.strip().isdigit() or int(raw) < 1:
        issues.error(
            'decisionRefBinding="version" needs camunda:decisionRefVersion, a whole number '
            f"of at least 1 (got {raw!r})",
            el,
        )
        return None
    return int(raw)


ZEEBE_BINDINGS = ("latest", "deployment")


def _zeebe_decision(
    el: etree._Element,
    called: etree._Element,
    fields: NodeFields,
    issues: Issues,
    retry_time_cycle: str | None,
) -> BusinessRuleTask:
    """``zeebe:calledDecision``: its ``resultVariable`` gets the decision's own value."""
    decision_id = (called.get("decisionId") or "").strip()
    binding = called.get("bindingType") or "latest"
    if not decision_id:
        issues.error("zeebe:calledDecision has no decisionId", called, fields["id"])
    elif is_feel(decision_id):
        try:
            compile_expression(decision_id)  # evaluated per token (behaviors/business_rule)
        except ExpressionError as error:
            issues.error(
                f"zeebe:calledDecision decisionId {decision_id!r} does not compile: "
                f"{error.message}",
                called,
                fields["id"],
            )
    if binding not in ZEEBE_BINDINGS:
        issues.error(
            f"zeebe:calledDecision bindingType '{binding}' is not supported: use "
            f"{' or '.join(ZEEBE_BINDINGS)}",
            called,
            fields["id"],
        )
    return BusinessRuleTask(
        **fields,
        binding="decision",
        topic="",
        expression=None,
        result_variable=called.get("resultVariable") or None,
        retry_time_cycle=retry_time_cycle,
        decision_ref=decision_id,
        decision_binding=binding if binding in ZEEBE_BINDINGS else "latest",
        decision_version=None,
        map_decision_result=DECISION_OUTPUT,
    )
