"""definition_deploy: versions, duplicates, non-executable processes, refusals."""

from __future__ import annotations

import pytest

from bpmn_engine.models import Deployment, ProcessDefinition
from bpmn_engine.services.deploy import DeployError, definition_deploy

pytestmark = pytest.mark.django_db


def test_identical_content_creates_no_new_version(load_diagram):
    data = load_diagram("services/user_task")
    first = definition_deploy(data=data, filename="user_task.bpmn")
    again = definition_deploy(data=data, filename="user_task.bpmn")
    assert first.created and not again.created
    assert again.deployment.pk == first.deployment.pk
    assert list(ProcessDefinition.objects.values_list("key", "version")) == [("user_task", 1)]


def test_changed_content_creates_the_next_version_and_keeps_the_xml(load_diagram):
    definition_deploy(data=load_diagram("services/user_task"), filename="a.bpmn")
    result = definition_deploy(data=load_diagram("services/user_task_v2"), filename="b.bpmn")
    assert [(d.key, d.version, d.name) for d in result.definitions] == [
        ("user_task", 2, "One approval, renamed")
    ]
    assert result.deployment.xml == load_diagram("services/user_task_v2").decode()
    assert Deployment.objects.count() == 2


def test_every_process_is_stored_and_non_executable_ones_are_marked(load_diagram):
    result = definition_deploy(data=load_diagram("services/two_processes"), filename="c.bpmn")
    stored = {d.key: d.is_executable for d in result.definitions}
    assert stored == {"buyer": True, "seller": False}


def test_malformed_xml_is_refused_with_line_and_column():
    data = (
        b'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">\n'
        b'  <process id="p">\n  </proces>\n</definitions>'
    )
    with pytest.raises(DeployError) as caught:
        definition_deploy(data=data, filename="x.bpmn")
    [issue] = caught.value.issues
    assert issue.line == 3 and issue.column is not None and issue.column > 0
    assert str(caught.value).startswith("x.bpmn:3:")
    assert "proces" in issue.message
    assert Deployment.objects.count() == 0


def test_an_entity_declaration_is_refused_without_reading_the_file():
    payload = (
        b'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        b'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">&x;</definitions>'
    )
    with pytest.raises(DeployError) as caught:
        definition_deploy(data=payload, filename="xxe.bpmn")
    assert "root:" not in str(caught.value)
    assert "DOCTYPE" in str(caught.value) or "DTD" in str(caught.value)
    assert Deployment.objects.count() == 0


def test_a_file_that_is_not_utf8_is_refused_with_a_clear_message(load_diagram):
    latin1 = (
        load_diagram("services/user_task")
        .replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"')
        .replace(b'name="Approve"', 'name="Genehmigen für"'.encode("latin-1"))
    )
    with pytest.raises(DeployError, match="not UTF-8"):
        definition_deploy(data=latin1, filename="latin.bpmn")
    assert Deployment.objects.count() == 0
