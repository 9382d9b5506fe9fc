"""Issue 3 audit: deploy-time rules the audit found untested or missing.

Each rule is refused (or, where the diagram still runs as drawn, warned about) with one
message naming the element and the rule, at the element's line.
"""

from __future__ import annotations

from bpmn_engine.model import BusinessRuleTask
from bpmn_engine.parser.errors import ERROR, WARNING

from .diagrams import line_of, parse, parse_error

PASS_THROUGH = "gateway_condition_pass_through"


def test_a_gateway_with_one_flow_in_one_out_and_a_condition_is_refused() -> None:
    """The parallel 'Merge' gateway is also 1-in/1-out but has no condition: no issue."""
    error = parse_error(PASS_THROUGH)
    assert [(i.element_id, i.line, i.severity, i.message) for i in error.issues] == [
        (
            "Check",
            line_of(PASS_THROUGH, 'id="Check"'),
            ERROR,
            "gateway 'Check' has one incoming and one outgoing flow, so it neither splits "
            "nor merges, yet its outgoing flow 'Flow_2' has a condition",
        )
    ]


def test_the_same_gateway_in_a_non_executable_process_is_only_a_warning() -> None:
    (warning,) = parse_error(PASS_THROUGH).warnings
    assert (warning.element_id, warning.severity) == ("SketchCheck", WARNING)


def test_references_to_missing_elements_name_the_reference() -> None:
    error = parse_error("missing_references")
    assert [(i.element_id, i.message) for i in error.issues] == [
        (
            "Flow_2",
            "sequence flow 'Flow_2' targetRef 'Review' is not a flow node of process "
            "'MissingReferences'",
        ),
        (
            "Late",
            "boundary event 'Late' is attached to 'Ghost', which is not an activity of the process",
        ),
    ]


def test_known_vendor_extensions_the_engine_does_not_run_are_reported_per_element() -> None:
    """``camunda:properties``, ``spiffworkflow:properties`` and ``zeebe:taskDefinition`` are
    read (as is ``camunda:errorCodeVariable``), and ``camunda:asyncBefore`` changes nothing
    here, so they are not reported;
    listeners, a pre-script, task headers and unread attributes are."""
    name = "vendor_extensions_unread"
    warnings = parse(name).warnings
    assert [(w.element_id, w.line, w.message) for w in warnings] == [
        (
            "Review",
            line_of(name, 'id="Review"'),
            "userTask 'Review' has camunda:followUpDate, camunda:taskListener, "
            "camunda:executionListener, which the engine does not support: ignored at run time",
        ),
        (
            "Prepare",
            line_of(name, 'id="Prepare"'),
            "scriptTask 'Prepare' has spiffworkflow:preScript, which the engine does not "
            "support: ignored at run time",
        ),
        (
            "Ship",
            line_of(name, 'id="Ship"'),
            "serviceTask 'Ship' has zeebe:taskHeaders, which the engine does not support: "
            "ignored at run time",
        ),
    ]  # camunda:errorCodeVariable (on ErrorDef_1) is applied now: not reported
    process = parse(name).definitions.process("VendorExtensions")
    assert dict(process.node("Review").extensions.properties) == {"rule": "four-eyes"}


def test_a_zeebe_called_decision_is_read_and_what_cannot_run_is_refused() -> None:
    task = (
        parse("zeebe_called_decision").definitions.process("AuditZeebeDecision").node("DecideFee")
    )
    assert isinstance(task, BusinessRuleTask)
    assert (task.decision_ref, task.result_variable, task.map_decision_result) == (
        "audit_fees",
        "fee",
        "decisionOutput",
    )
    error = parse_error("zeebe_called_decision_invalid")
    assert [(i.element_id, i.message) for i in error.issues] == [
        (
            "Dynamic",
            "zeebe:calledDecision decisionId '= table +' does not compile: unexpected end "
            "of expression",
        ),
        (
            "Tagged",
            "zeebe:calledDecision bindingType 'versionTag' is not supported: use latest or "
            "deployment",
        ),
    ]
