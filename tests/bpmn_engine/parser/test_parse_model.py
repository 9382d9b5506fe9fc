"""The model built from Camunda/Zeebe/Spiff/Activiti diagrams: every field, in order."""

from __future__ import annotations

from bpmn_engine.model import (
    ConditionalEventDefinition,
    EndEvent,
    ExclusiveGateway,
    FormField,
    FormFieldOption,
    ManualTask,
    ParallelGateway,
    ScriptTask,
    ServiceTask,
    StartEvent,
    SubProcess,
    Task,
    UnsupportedNode,
    UserTask,
)

from .parser_diagrams import line_of, parse

APPROVAL = "approval_camunda.bpmn"


def test_definitions_metadata_messages_and_diagram_are_read() -> None:
    result = parse(APPROVAL)
    definitions = result.definitions
    assert result.warnings == ()
    assert definitions.id == "Definitions_Approval"
    assert definitions.name == "Approvals"
    assert definitions.target_namespace == "http://bpmn.io/schema/bpmn"
    assert (definitions.exporter, definitions.exporter_version) == ("Camunda Modeler", "5.17.0")
    assert definitions.has_diagram is True
    assert definitions.messages["Message_Approved"].name == "approved"
    assert [p.id for p in definitions.processes] == ["Approval"]


def test_process_attributes_lanes_and_starters() -> None:
    process = parse(APPROVAL).definitions.process("Approval")
    assert process.name == "Expense approval"
    assert process.documentation == "Approves expenses."
    assert process.is_executable is True
    assert process.line == line_of(APPROVAL, '<bpmn:process id="Approval"')
    assert process.candidate_starter_groups == ("staff", "managers")
    assert process.candidate_starter_users == ("alice", "bob")
    assert dict(process.extensions.properties) == {"owner": "finance"}
    staff, finance = process.lanes
    assert (staff.id, staff.name, staff.node_ids) == ("Lane_Staff", "Staff", ("Start",))
    (clerk,) = staff.child_lanes
    assert (clerk.id, clerk.node_ids) == ("Lane_Clerk", ("Review",))
    assert finance.node_ids == ("Decide",)


def test_every_node_kind_is_built_with_its_class() -> None:
    nodes = parse(APPROVAL).definitions.process("Approval").nodes
    expected = {
        "Start": StartEvent,
        "Review": UserTask,
        "Decide": ExclusiveGateway,
        "Rejected": EndEvent,
        "Fork": ParallelGateway,
        "Pay": ServiceTask,
        "Archive": SubProcess,
        "Archive_Log": ScriptTask,
        "Archive_Print": ManualTask,
        "Join": ParallelGateway,
        "Notify": Task,
        "Done": EndEvent,
        "Archive_Start": StartEvent,
        "Archive_End": EndEvent,
    }
    assert {node_id: type(node) for node_id, node in nodes.items()} == expected
    assert "DataRef_1" not in nodes and "Note_1" not in nodes


def test_common_element_fields() -> None:
    review = parse(APPROVAL).definitions.process("Approval").node("Review")
    assert review.name == "Review expense"
    assert review.label == "Review expense"
    assert review.documentation == "Check the receipts."
    assert review.line == line_of(APPROVAL, 'id="Review"')
    assert review.scope_id == "Approval"


def test_subprocess_children_are_flat_with_the_subprocess_as_scope() -> None:
    process = parse(APPROVAL).definitions.process("Approval")
    assert [n.id for n in process.children("Archive")] == [
        "Archive_Start",
        "Archive_Log",
        "Archive_Print",
        "Archive_End",
    ]
    assert process.node("Archive").scope_id == "Approval"
    assert [s.id for s in process.none_start_events("Archive")] == ["Archive_Start"]
    assert process.node("Archive_Log").incoming == ("Flow_A1",)


def test_start_event_reads_initiator_form_key_and_form_fields() -> None:
    start = parse(APPROVAL).definitions.process("Approval").node("Start")
    assert isinstance(start, StartEvent)
    assert start.initiator == "requester"
    assert start.form_key == "embedded:app:forms/start.html"
    assert start.event_definitions == ()
    (amount,) = start.form_fields
    assert (amount.id, amount.label, amount.type, amount.default_value) == (
        "amount",
        "Amount",
        "long",
        "0",
    )
    assert amount.required is True and amount.readonly is False
    assert dict(amount.constraints) == {"min": "1"}


def test_user_task_reads_assignment_attributes_and_form() -> None:
    review = parse(APPROVAL).definitions.process("Approval").node("Review")
    assert isinstance(review, UserTask)
    assert review.assignee == "${requester}"
    assert review.candidate_users == "carol"
    assert review.candidate_groups == "managers"
    assert review.due_date == "${dueDate}"
    assert review.priority == "50"
    assert review.form_key == "review"
    decision, reference = review.form_fields
    assert decision == FormField(
        id="decision",
        label="Decision",
        type="enum",
        default_value="approve",
        required=True,
        options=(
            FormFieldOption(id="approve", name="Approve"),
            FormFieldOption(id="reject", name="Reject"),
        ),
        constraints=decision.constraints,
    )
    assert dict(decision.constraints) == {}
    assert reference.readonly is True and reference.required is False
    assert dict(reference.constraints) == {"maxlength": "20"}


def test_flows_conditions_defaults_and_terminate_end() -> None:
    process = parse(APPROVAL).definitions.process("Approval")
    approved = process.flow("Flow_Approved")
    assert (approved.source_id, approved.target_id, approved.name) == ("Decide", "Fork", "yes")
    assert approved.condition == '${decision == "approve"}'
    assert approved.line == line_of(APPROVAL, 'id="Flow_Approved"')
    assert process.flow("Flow_Rejected").condition is None
    assert process.node("Decide").default_flow == "Flow_Rejected"
    rejected = process.node("Rejected")
    assert isinstance(rejected, EndEvent) and rejected.terminates
    assert rejected.event_definitions[0].id == "Terminate_1"
    done = process.node("Done")
    assert isinstance(done, EndEvent) and not done.terminates


def test_script_task_reads_format_body_and_result_variable() -> None:
    script = parse(APPROVAL).definitions.process("Approval").node("Archive_Log")
    assert isinstance(script, ScriptTask)
    assert (script.script, script.script_format, script.result_variable) == (
        "archived = true",
        "baton",
        "archived",
    )


def test_incoming_and_outgoing_come_from_the_flows_in_document_order() -> None:
    """The stale <incoming>/<outgoing> children are ignored; flow order is kept."""
    process = parse("flow_order.bpmn").definitions.process("Order")
    gateway = process.node("Gateway_1")
    assert gateway.outgoing == ("Flow_C", "Flow_B", "Flow_A")
    assert gateway.incoming == ("Flow_0",)
    assert process.node("Start").outgoing == ("Flow_0",)
    assert process.node("Join").incoming == ("Flow_C", "Flow_B", "Flow_A")
    assert [f.id for f in process.outgoing("Gateway_1")] == ["Flow_C", "Flow_B", "Flow_A"]
    assert process.flow("Flow_B").condition == "${x == 2}"
    assert process.flow("Flow_A").condition == "${x < 2}"


def test_zeebe_assignment_form_properties_and_feel_condition() -> None:
    process = parse("zeebe_user_task.bpmn").definitions.process("ZeebeReview")
    review = process.node("Review")
    assert isinstance(review, UserTask)
    assert review.assignee == "alice"
    assert review.candidate_groups == "reviewers"
    assert review.candidate_users == "bob, carol"
    assert review.form_key == "camunda-forms:bpmn:ReviewForm"
    assert dict(process.extensions.properties) == {"team": "ops"}
    assert process.flow("Flow_Big").condition == "= amount > 100"  # the marker selects FEEL


def test_spiffworkflow_properties() -> None:
    task = parse("spiff_properties.bpmn").definitions.process("Spiff").node("Task_1")
    assert dict(task.extensions.properties) == {"color": "blue", "size": "L"}


def test_activiti_namespace_is_read_like_camunda() -> None:
    process = parse("activiti_namespace.bpmn").definitions.process("Legacy")
    assert process.candidate_starter_groups == ("admins",)
    start, approve, call = (process.node(i) for i in ("Start", "Approve", "Call"))
    assert isinstance(start, StartEvent) and start.initiator == "starter"
    assert isinstance(approve, UserTask)
    assert (approve.assignee, approve.candidate_groups, approve.form_key) == (
        "${starter}",
        "managers",
        "approve",
    )
    assert [f.id for f in approve.form_fields] == ["ok"]
    assert isinstance(call, ServiceTask)
    assert (call.binding, call.topic) == ("class", "org.example.Call")


def test_collaboration_participants_and_message_flows() -> None:
    definitions = parse("collaboration.bpmn").definitions
    (collaboration,) = definitions.collaborations
    assert collaboration.id == "Collaboration_1"
    shop, customer = collaboration.participants
    assert (shop.id, shop.name, shop.process_id) == ("Participant_Shop", "Shop", "Shop")
    assert customer.process_id is None
    assert collaboration.message_flow_ids == ("MessageFlow_1", "MessageFlow_2")
    assert definitions.has_diagram is False


def test_pure_collaboration_without_process_is_fine() -> None:
    result = parse("pure_collaboration.bpmn")
    assert result.definitions.processes == ()
    assert result.definitions.collaborations[0].name == "Ordering"
    assert result.definitions.has_diagram is True
    assert result.warnings == ()


def test_non_executable_process_keeps_unsupported_nodes_as_placeholders() -> None:
    result = parse("not_executable.bpmn")
    process = result.definitions.process("Viewable")
    assert process.is_executable is False
    boundary = process.node("Timer_1")
    assert isinstance(boundary, UnsupportedNode)
    assert (boundary.kind, boundary.feature) == ("boundaryEvent", "cancelEventDefinition")
    assert boundary.outgoing == ("Flow_4",)
    approve_all = process.node("Approve_All")  # multi-instance behavior="One" runs now
    assert not isinstance(approve_all, UnsupportedNode)
    timer_start = process.node("Timer_Start")  # a conditional start runs now
    assert isinstance(timer_start, StartEvent)
    assert isinstance(timer_start.event_definitions[0], ConditionalEventDefinition)
    cancel_start = process.node("Cancel_Start")  # inside the event subprocess On_Cancel
    assert isinstance(cancel_start, UnsupportedNode)
    assert (cancel_start.scope_id, cancel_start.feature) == (
        "On_Cancel",
        "compensateEventDefinition",
    )
    assert result.warnings == ()
