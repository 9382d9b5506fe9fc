"""Every MIWG reference model deploys, and each executable process starts and reaches a
wait state or its end.

A model may be refused only with "not supported yet" issues, and then it is listed in
``known_failures.json`` (id ``miwg/<file>``) as a strict xfail, the same ratchet as betsy's.
Non-executable processes and pure collaborations are stored, marked not executable.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest

from bpmn_engine.model import StartEvent
from bpmn_engine.models import Incident, ProcessInstance
from bpmn_engine.services.deploy import DeployError, definition_deploy
from bpmn_engine.services.instances import instance_start
from bpmn_engine.services.models_cache import definition_model

from .corpus import MISSING, MIWG, known_failures, miwg_models

MODELS = miwg_models()
KNOWN = known_failures()
UNSUPPORTED = "is not supported yet"


def miwg_id(path: Path) -> str:
    return f"miwg/{path.name}"


def _param(path: Path) -> Any:
    reason = KNOWN.get(miwg_id(path))
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(path, id=miwg_id(path), marks=marks)


def test_the_miwg_corpus_is_present() -> None:
    assert MODELS, MISSING.format(path=MIWG)


def test_known_miwg_failures_name_real_models() -> None:
    names = {miwg_id(path) for path in MODELS}
    assert sorted(i for i in KNOWN if i.startswith("miwg/") and i not in names) == []


def _deploy(path: Path) -> Any:
    try:
        return definition_deploy(data=path.read_bytes(), filename=path.name)
    except DeployError as error:
        other = [str(issue) for issue in error.issues if UNSUPPORTED not in issue.message]
        assert other == [], f"{path.name} refused for more than unsupported features: {other}"
        pytest.fail(f"{path.name} refused as not supported yet: {[str(i) for i in error.issues]}")


def start(definition: Any) -> Any:
    """At its none start event; a process that has none (only message, timer or signal
    starts) starts at its first start event, as when that event happens."""
    model = definition_model(definition)
    if model.none_start_events(model.id):
        return instance_start(definition=definition, variables={})
    [first, *_] = [node for node in model.children(model.id) if isinstance(node, StartEvent)]
    events = importlib.import_module("bpmn_engine.services.events")
    return events.instance_start_at_event(definition=definition, element_id=first.id).instance


@pytest.mark.django_db
@pytest.mark.parametrize("path", [_param(path) for path in MODELS])
def test_miwg_model_deploys_and_its_processes_run(path: Path) -> None:
    result = _deploy(path)
    assert result.definitions or result.deployment.pk, f"{path.name} stored nothing"
    for definition in result.definitions:
        if not definition.is_executable:
            continue
        instance = start(definition)
        instance.refresh_from_db()
        incidents = list(
            Incident.objects.filter(instance=instance).values_list("message", flat=True)
        )
        assert incidents == [], f"{definition.key} stopped on an error: {incidents}"
        assert instance.state in (ProcessInstance.State.ACTIVE, ProcessInstance.State.COMPLETED), (
            f"{definition.key} ended {instance.state}"
        )
