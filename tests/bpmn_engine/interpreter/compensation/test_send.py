"""Send tasks and message end events: the message leaves the instance as an effect."""

from __future__ import annotations

import pytest

from bpmn_engine.interpreter import Interpreter
from bpmn_engine.interpreter.effects import CreateJob, InstanceEnded, SendMessage
from bpmn_engine.model import SendTask
from bpmn_engine.parser import BpmnParseError

from ..builders import of_type, positions, waiting_at
from .diagrams import model, parse


def test_a_send_task_without_implementation_sends_its_message_by_name_and_goes_on() -> None:
    _, effects = Interpreter(model("send_task_message", "Shop")).start()
    assert of_type(effects, SendMessage) == [
        SendMessage(name="OrderPlaced", element_id="NotifyWarehouse")
    ]
    assert of_type(effects, InstanceEnded) == [InstanceEnded(outcome="completed")]


def test_a_send_task_with_an_implementation_is_work_for_its_handler_topic() -> None:
    """The handler does the sending: no engine message, the token waits for the job."""
    node = model("send_task_topic").nodes["SendMail"]
    assert isinstance(node, SendTask)
    assert (node.binding, node.topic, node.message_name) == ("external", "test-echo", "MailSent")
    interpreter = Interpreter(model("send_task_topic"))
    state, effects = interpreter.start()
    assert of_type(effects, SendMessage) == []
    [job] = of_type(effects, CreateJob)
    assert (job.element_id, job.topic) == ("SendMail", "test-echo")
    effects = interpreter.complete(state, token_id=waiting_at(state, "SendMail"))
    assert of_type(effects, InstanceEnded) == [InstanceEnded(outcome="completed")]
    assert positions(state) == []


def test_a_message_end_event_sends_its_message_and_ends_the_token() -> None:
    _, effects = Interpreter(model("message_end", "Finisher")).start()
    assert of_type(effects, SendMessage) == [SendMessage(name="OrderDone", element_id="Done")]
    assert of_type(effects, InstanceEnded) == [InstanceEnded(outcome="completed")]


def test_a_send_task_naming_an_unknown_message_is_a_deploy_error() -> None:
    with pytest.raises(BpmnParseError) as caught:
        parse("send_task_unknown_message")
    assert [(i.element_id, i.message) for i in caught.value.issues] == [
        ("Notify", "sendTask 'Notify' refers to message 'Missing_Message', which does not exist")
    ]
