"""Semantic checks: every problem reported at once, with its line and element id."""

from __future__ import annotations

from bpmn_engine.parser import BpmnParseError, DeployIssue

from .parser_diagrams import line_of, messages, parse, parse_error

BROKEN = "structural_errors.bpmn"


def test_all_structural_problems_are_reported_together() -> None:
    error = parse_error(BROKEN)
    found = {(i.element_id, i.line, i.message) for i in error.issues}
    assert found == {
        ("Start", 4, "start event 'Start' has incoming flow 'Flow_Back'"),
        (
            "Gateway_1",
            line_of(BROKEN, 'id="Gateway_1"'),
            "default flow 'Flow_Elsewhere' of 'Gateway_1' is not one of its outgoing flows",
        ),
        ("Flow_2", 10, "duplicate id 'Flow_2' (first used on line 7)"),
        ("End", line_of(BROKEN, 'id="End"'), "end event 'End' has outgoing flow 'Flow_Out'"),
        (
            "Flow_Dangling",
            line_of(BROKEN, 'id="Flow_Dangling"'),
            "sequence flow 'Flow_Dangling' targetRef 'Nowhere' is not a flow node of "
            "process 'Broken'",
        ),
        (
            "Flow_No_Source",
            line_of(BROKEN, 'id="Flow_No_Source"'),
            "sequence flow 'Flow_No_Source' has no sourceRef",
        ),
    }
    assert all(issue.severity == "error" for issue in error.issues)


def test_default_flow_with_condition_is_a_warning() -> None:
    (warning,) = parse_error(BROKEN).warnings
    assert warning.message == (
        "default flow 'Flow_Conditional_Default' of 'Task_1' has a condition, which is ignored"
    )
    assert warning.line == line_of(BROKEN, 'id="Flow_Conditional_Default"')


def test_error_string_lists_every_issue_one_per_line_sorted_by_line() -> None:
    error = parse_error(BROKEN)
    lines = str(error).splitlines()
    assert len(lines) == len(error.issues) == 6
    assert (
        lines[0]
        == "structural_errors.bpmn:4: [Start] start event 'Start' has incoming flow 'Flow_Back'"
    )
    assert lines[2] == (
        "structural_errors.bpmn:10: [Flow_2] duplicate id 'Flow_2' (first used on line 7)"
    )
    assert error.filename == BROKEN


def test_flow_crossing_a_subprocess_boundary() -> None:
    (issue,) = parse_error("cross_scope.bpmn").issues
    assert issue.message == (
        "sequence flow 'Flow_Escape' crosses a subprocess boundary: 'Inner' is in 'Sub_1' "
        "but 'End' is in 'Cross'"
    )
    assert (issue.element_id, issue.line) == (
        "Flow_Escape",
        line_of("cross_scope.bpmn", "Flow_Escape"),
    )


def test_executable_process_and_subprocess_need_a_none_start_event() -> None:
    error = parse_error("no_start_event.bpmn")
    assert [(i.element_id, i.line, i.message) for i in error.issues] == [
        ("NoStart", 3, "process 'NoStart' has no none start event"),
        ("Sub_1", 6, "subprocess 'Sub_1' has no none start event"),
    ]  # the non-executable 'Sketch' process needs none


def test_unsupported_elements_in_executable_process_name_kind_and_id() -> None:
    name = "unsupported_executable.bpmn"
    error = parse_error(name)
    # Timer_Start (a process-level conditional start) runs: services/events/conditions.py
    assert [(i.element_id, i.line, i.message) for i in error.issues] == [
        (
            "Timer_1",
            line_of(name, 'id="Timer_1"'),
            "boundaryEvent 'Timer_1' with cancelEventDefinition is not supported yet",
        ),
        (
            "Cancel_Start",
            line_of(name, 'id="Cancel_Start"'),
            "startEvent 'Cancel_Start' with compensateEventDefinition is not supported yet",
        ),
    ]


def test_absent_is_executable_means_executable() -> None:
    error = parse_error("executable_by_default.bpmn")
    assert messages(error) == [
        "sendTask 'Send_Mail' with camunda:type=\"mail\" is not supported yet"
    ]


def test_unknown_bpmn_element_is_an_error_even_when_not_executable() -> None:
    error = parse_error("unknown_element.bpmn")
    assert [(i.element_id, i.line, i.message) for i in error.issues] == [
        (
            "Flow_1",
            5,
            "sequence flow 'Flow_1' targetRef 'Task_1' is not a flow node of process 'Unknown'",
        ),
        ("Task_1", 6, "unknown BPMN element <tsk> in 'Unknown'"),
    ]


def test_participant_referring_to_a_missing_process() -> None:
    (issue,) = parse_error("participant_unknown_process.bpmn").issues
    assert issue.message == (
        "participant refers to process 'Missing_Process', which this file does not define"
    )
    assert (issue.element_id, issue.line) == ("Participant_Ghost", 4)


def test_bad_condition_script_template_topic_and_retry_cycle() -> None:
    name = "bad_expressions.bpmn"
    error = parse_error(name)
    assert [(i.element_id, i.line, i.message) for i in error.issues] == [
        (
            "Flow_Bad_Condition",
            line_of(name, 'id="Flow_Bad_Condition"'),
            "condition of sequence flow 'Flow_Bad_Condition' does not compile: unexpected end "
            "of expression (column 12) in '${amount > }'",
        ),
        (
            "Calc",
            line_of(name, "tax = (total"),
            "script of 'Calc' does not compile: expected ')' but found end of expression "
            "(script line 2, column 19)",
        ),
        (
            "Review",
            line_of(name, 'id="Review"'),
            "assignee of 'Review' does not compile: expected a property or method name after "
            "'.' but found end of expression (column 9) in '${owner.}'",
        ),
        ("Charge", line_of(name, 'id="Charge"'), 'camunda:type="external" needs a camunda:topic'),
        (
            "Charge",
            line_of(name, 'id="Charge"'),
            "camunda:failedJobRetryTimeCycle 'every 5 minutes' of 'Charge' is not "
            "R<n>/<ISO 8601 duration> (e.g. R3/PT10M)",
        ),
    ]


def test_conditions_in_a_declared_foreign_language_are_not_supported_yet() -> None:
    name = "condition_language.bpmn"
    error = parse_error(name)
    assert [(i.element_id, i.message) for i in error.issues] == [
        (
            "Flow_Groovy",
            "condition of sequence flow 'Flow_Groovy' is written in groovy, which is not "
            "supported yet",
        ),
    ]  # 'Flow_Plain' compiles in our language despite the XPath default, and 'Flow_XPath'
    # is bpmn:getDataObject('ok') (the supported XPath subset): both accepted


def test_deploy_issue_string_forms() -> None:
    issue = DeployIssue("bad gateway", 12, "Gateway_1")
    assert str(issue) == "line 12, element 'Gateway_1': bad gateway"
    assert str(DeployIssue("too big", None, None)) == "too big"
    warning = DeployIssue("odd", 3, None, column=7, severity="warning")
    assert str(warning) == "warning: line 3, column 7: odd"
    error = BpmnParseError("f.bpmn", [issue, DeployIssue("first", 2, None)])
    assert str(error) == "f.bpmn:2: first\nf.bpmn:12: [Gateway_1] bad gateway"


def test_warnings_do_not_fail_a_parse() -> None:
    result = parse("service_bindings.bpmn")
    assert [w.element_id for w in result.warnings] == ["Unbound"]


def test_execution_rules_are_warnings_in_a_non_executable_process() -> None:
    from bpmn_engine.parser import parse_bpmn

    data = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D">
  <bpmn:process id="Sketch" isExecutable="false">
    <bpmn:startEvent id="Start" />
    <bpmn:task id="Task_1" />
    <bpmn:sequenceFlow id="Flow_Back" sourceRef="Task_1" targetRef="Start" />
  </bpmn:process>
</bpmn:definitions>"""
    (warning,) = parse_bpmn(data).warnings
    assert (warning.severity, warning.line, warning.element_id) == ("warning", 4, "Start")
    assert warning.message == "start event 'Start' has incoming flow 'Flow_Back'"
