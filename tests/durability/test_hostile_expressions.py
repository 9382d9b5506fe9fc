"""Expression and script injection in every place a diagram holds one (issue 6,
hostile 17), beyond the conditions, task names and assignees of ``test_hostile_input``:
a script task, a timer expression, a DMN cell and a form default. Each payload in its
plain form and in the strongest form the grammar accepts (those compile, then hit the
run budgets): deploy refuses it with the element and line, or the instance stops with an
incident. Within seconds, and nothing runs (the marker file is never created).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import pytest

from bpmn_engine.models import ProcessInstance, UserTask
from bpmn_engine.services.deploy import DeployError, definition_deploy
from bpmn_engine.services.errors import EngineError
from bpmn_engine.services.instances import instance_start
from tests.durability.test_hostile_input import MARKER

pytestmark = [pytest.mark.durability, pytest.mark.django_db(transaction=True)]


PROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
    id="Definitions_{key}" targetNamespace="http://baton.example/durability">
  <process id="{key}" isExecutable="true">
    <startEvent id="Start" />
    <sequenceFlow id="Flow_1" sourceRef="Start" targetRef="Hostile" />
    {element}
    <sequenceFlow id="Flow_2" sourceRef="Hostile" targetRef="End" />
    <endEvent id="End" />
  </process>
</definitions>"""

DMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="hostile_dmn"
    name="Hostile" namespace="http://baton.example/durability">
  <decision id="hostile" name="Hostile">
    <decisionTable id="table" hitPolicy="FIRST">
      <input id="in"><inputExpression id="in_expr" typeRef="integer"><text>x</text>
      </inputExpression></input>
      <output id="out" name="out" typeRef="string" />
      <rule id="rule_1">
        <inputEntry><text>{input}</text></inputEntry>
        <outputEntry><text>{output}</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
</definitions>"""

# The strongest form of each attack that each grammar accepts, next to the plain ones.
SCRIPT_BODIES = {
    "import": "y = __import__('os').system('touch {marker}')",
    "subclasses": "y = ''.__class__.__mro__[1].__subclasses__()",
    "attribute-walk": "y = x.__class__.__init__.__globals__",
    "power-tower": "y = 9 ** 9 ** 9",
    "string-bomb-accepted": "y = 'a' * 10000000000",
    "doubling-accepted": "\n".join(["s = 'aaaaaaaaaa'"] + ["s = s + s"] * 40),
    "integer-bomb-accepted": "y = " + " * ".join(["999999999999"] * 400),
}
TIMER_EXPRESSIONS = {
    "import": "${{__import__('os').system('touch {marker}')}}",
    "string-bomb-accepted": "${{'P' * 10000000000}}",
    "attribute-walk": "${{x.__class__}}",
    "not-a-duration": "${{'PT' + 'x'}}",
    "huge-duration-accepted": "${{'P999999999999Y'}}",
    "huge-literal-duration": "P999999999999Y",
    "beyond-year-9999": "P9999Y",
    "negative-duration": "-PT1H",
}
DMN_CELLS = {
    "import-input": ("__import__('os').system('touch {marker}')", '"out"'),
    "import-output": ("-", "__import__('os').system('touch {marker}')"),
    "subclasses-output": ("-", "''.__class__.__mro__[1].__subclasses__()"),
    "power-tower-output": ("-", "9 ** 9 ** 9"),
    "unsupported-function-output": ("-", 'string length("a") * 10000000000'),
    "integer-bomb-output": ("-", " * ".join(["999999999999"] * 400)),
    "deep-nesting-output": ("-", "(" * 200 + "1" + ")" * 200),
}


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _deploy_and_start(data: bytes, filename: str, extra: Sequence[tuple[str, bytes]] = ()) -> Any:
    """Deploy, then start: returns None when deploy refused it (with a clear message),
    else the reloaded instance. Nothing may have run in either case."""
    try:
        result = definition_deploy(data=data, filename=filename, extra_files=list(extra))
    except DeployError as exc:
        assert "Hostile" in str(exc) or "line" in str(exc) or "hostile" in str(exc), str(exc)
        return None
    try:
        instance = instance_start(definition=result.definitions[0], variables={"x": 1})
    except EngineError:
        return None
    return ProcessInstance.objects.get(pk=instance.pk)


def _assert_failed_closed(instance: Any, started: float) -> None:
    if instance is not None:
        assert instance.open_incidents == 1, (instance.state, instance.open_incidents)
    assert time.monotonic() - started < 5
    assert not MARKER.exists(), "the payload ran"


@pytest.mark.parametrize("payload", list(SCRIPT_BODIES), ids=list(SCRIPT_BODIES))
def test_a_script_task_payload_never_runs_and_fails_closed(payload):
    MARKER.unlink(missing_ok=True)
    script = _xml_text(SCRIPT_BODIES[payload].format(marker=MARKER))
    element = (
        f'<scriptTask id="Hostile" scriptFormat="baton"><script>{script}</script></scriptTask>'
    )
    started = time.monotonic()
    data = PROCESS.format(key="HostileScript", element=element).encode()
    _assert_failed_closed(_deploy_and_start(data, "script.bpmn"), started)


@pytest.mark.parametrize("script_format", ["python", "javascript", "groovy"])
def test_a_script_in_a_language_baton_does_not_speak_is_refused_at_deploy(script_format):
    MARKER.unlink(missing_ok=True)
    element = (
        f'<scriptTask id="Hostile" scriptFormat="{script_format}">'
        f"<script>import os; os.system('touch {MARKER}')</script></scriptTask>"
    )
    data = PROCESS.format(key="HostileFormat", element=element).encode()
    with pytest.raises(DeployError, match="Hostile"):
        definition_deploy(data=data, filename="format.bpmn")
    assert not MARKER.exists()


@pytest.mark.parametrize("payload", list(TIMER_EXPRESSIONS), ids=list(TIMER_EXPRESSIONS))
def test_a_timer_expression_payload_never_runs_and_fails_closed(payload):
    MARKER.unlink(missing_ok=True)
    duration = _xml_text(TIMER_EXPRESSIONS[payload].format(marker=MARKER))
    element = (
        '<intermediateCatchEvent id="Hostile"><timerEventDefinition>'
        f"<timeDuration>{duration}</timeDuration></timerEventDefinition>"
        "</intermediateCatchEvent>"
    )
    started = time.monotonic()
    data = PROCESS.format(key="HostileTimer", element=element).encode()
    _assert_failed_closed(_deploy_and_start(data, "timer.bpmn"), started)


@pytest.mark.parametrize("cell", list(DMN_CELLS), ids=list(DMN_CELLS))
def test_a_dmn_cell_payload_never_runs_and_fails_closed(cell):
    MARKER.unlink(missing_ok=True)
    input_entry, output_entry = (part.format(marker=MARKER) for part in DMN_CELLS[cell])
    dmn = DMN.format(input=_xml_text(input_entry), output=_xml_text(output_entry)).encode()
    element = (
        '<businessRuleTask id="Hostile" camunda:decisionRef="hostile" '
        'camunda:resultVariable="result" camunda:mapDecisionResult="singleResult" />'
    )
    started = time.monotonic()
    data = PROCESS.format(key="HostileDmn", element=element).encode()
    instance = _deploy_and_start(data, "dmn.bpmn", [("hostile.dmn", dmn)])
    _assert_failed_closed(instance, started)


def test_a_form_default_holding_a_payload_is_shown_as_text_never_evaluated(make_user):
    """camunda:formField defaultValue is text: the API's form schema and the task page
    show it as written."""
    from django.test import Client

    MARKER.unlink(missing_ok=True)
    payload = f"${{__import__('os').system('touch {MARKER}')}} {{{{ 7*7 }}}}"
    attribute = _xml_text(payload).replace('"', "&quot;")
    element = (
        '<userTask id="Hostile" camunda:assignee="dora"><extensionElements><camunda:formData>'
        f'<camunda:formField id="note" label="Note" type="string" defaultValue="{attribute}" />'
        "</camunda:formData></extensionElements></userTask>"
    )
    data = PROCESS.format(key="HostileForm", element=element).encode()
    definition = definition_deploy(data=data, filename="form.bpmn").definitions[0]
    instance = instance_start(definition=definition)
    task = UserTask.objects.get(instance=instance)
    client = Client()
    client.force_login(make_user("dora"))
    schema = client.get(f"/api/v1/tasks/{task.pk}").json()["form"]
    assert schema["properties"]["note"]["default"] == payload
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    assert "{{ 7*7 }}" in page and "49" not in page.split("{{ 7*7 }}")[0][-50:]
    assert not MARKER.exists()
