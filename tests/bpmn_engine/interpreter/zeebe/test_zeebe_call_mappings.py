"""``zeebe:ioMapping`` of a call activity: plain ``=name`` copies, FEEL expressions over
the caller's (inputs) or the child's (outputs) variables, text literals and empty
sources (null). It used to accept ``=name`` only and refuse the rest."""

from __future__ import annotations

from bpmn_engine.interpreter import Interpreter
from bpmn_engine.interpreter.behaviors.call_activity import out_variables
from bpmn_engine.interpreter.effects import StartCalledInstance
from bpmn_engine.model import CallActivity, VariableMapping

from ..builders import of_type
from .diagrams import model


def test_the_mappings_are_read_as_copies_and_feel_expressions() -> None:
    node = model("call_feel_mappings").nodes["Approve"]
    assert isinstance(node, CallActivity)
    assert node.in_mappings == (
        VariableMapping(source_expression="= order.amount", target="amount"),
        VariableMapping(source_expression="= upper case(order.customer)", target="customer"),
        VariableMapping(source_expression='= "purchase"', target="kind"),
        VariableMapping(source_expression="= null", target="note"),
    )
    assert node.out_mappings[1] == VariableMapping(source="decision", target="decision")


def test_inputs_are_evaluated_over_the_caller_and_outputs_over_the_child() -> None:
    process = model("call_feel_mappings")
    order = {"amount": 250, "customer": "acme"}
    _, effects = Interpreter(process).start(variables={"order": order, "secret": 1})
    [start] = of_type(effects, StartCalledInstance)
    assert dict(start.variables) == {
        "amount": 250,
        "customer": "ACME",
        "kind": "purchase",
        "note": None,
    }
    node = process.nodes["Approve"]
    assert isinstance(node, CallActivity)
    assert out_variables(node, {"decision": "yes", "other": 1}) == {
        "approved": True,
        "decision": "yes",
    }
