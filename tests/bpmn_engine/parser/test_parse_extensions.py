"""Vendor extensions: service task bindings, retries, foreign extensions as warnings."""

from __future__ import annotations

import pytest

from bpmn_engine.model import ServiceTask

from .parser_diagrams import line_of, parse

SERVICES = "service_bindings.bpmn"


def _service(task_id: str) -> ServiceTask:
    node = parse(SERVICES).definitions.process("Services").node(task_id)
    assert isinstance(node, ServiceTask)
    return node


@pytest.mark.parametrize(
    ("task_id", "binding", "topic"),
    [
        ("External", "external", "invoices"),
        ("ByClass", "class", "com.example.SendMail"),
        ("ByDelegate", "delegateExpression", "${mailer}"),
        ("ByZeebe", "zeebe", "charge-card"),
        ("BySpiff", "spiff", "http/GetRequest"),
        ("Unbound", "none", "Unbound"),
    ],
)
def test_service_task_binding_and_topic(task_id: str, binding: str, topic: str) -> None:
    task = _service(task_id)
    assert (task.binding, task.topic) == (binding, topic)


def test_expression_binding_keeps_expression_and_result_variable() -> None:
    task = _service("ByExpression")
    assert (task.binding, task.topic) == ("expression", "")
    assert task.expression == "${amount * 2}"
    assert task.result_variable == "doubled"


def test_retry_time_cycle_is_read() -> None:
    assert _service("External").retry_time_cycle == "R5/PT10M"
    assert _service("ByClass").retry_time_cycle is None


def test_unbound_service_task_is_a_warning_naming_the_topic() -> None:
    (warning,) = parse(SERVICES).warnings
    assert warning.severity == "warning"
    assert warning.message == "no implementation: runs as external task with topic 'Unbound'"
    assert (warning.line, warning.element_id) == (line_of(SERVICES, 'id="Unbound"'), "Unbound")


FOREIGN = "foreign_extensions.bpmn"


def test_foreign_extensions_are_listed_on_the_element() -> None:
    process = parse(FOREIGN).definitions.process("Foreign")
    assert process.node("Task_1").extensions.foreign == (
        "acme:cost",
        "signavio:signavioMetaData",
        "acme:sla",
    )
    assert process.node("Start").extensions.foreign == ("signavio:signavioMetaData",)
    assert process.node("End").extensions.foreign == ()


def test_one_warning_per_foreign_namespace_and_none_for_diagram_colours() -> None:
    warnings = parse(FOREIGN).warnings
    assert [w.message for w in warnings] == [
        "extensions from namespace http://www.signavio.com are not read by the engine and "
        "only stay in the stored XML: signavio:signavioMetaData on 'Start', 'Task_1'",
        "extensions from namespace http://acme.example/bpmn are not read by the engine and "
        "only stay in the stored XML: acme:cost, acme:sla on 'Task_1'",
    ]
    assert [(w.line, w.element_id) for w in warnings] == [
        (line_of(FOREIGN, 'id="Start"'), "Start"),
        (line_of(FOREIGN, 'id="Task_1"'), "Task_1"),
    ]


def test_camunda_modeler_platform_attributes_are_not_foreign() -> None:
    assert parse("zeebe_user_task.bpmn").warnings == ()
