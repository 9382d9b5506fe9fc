"""Parsed process models, cached per definition id.

Definitions never change after deployment, so a cached model is valid forever; parsing
happens once per process (per definition) rather than on every step.
"""

from __future__ import annotations

from functools import lru_cache

from bpmn_engine.model import ProcessModel
from bpmn_engine.models import ProcessDefinition
from bpmn_engine.parser import parse_bpmn


@lru_cache(maxsize=512)
def _model(definition_id: int) -> ProcessModel:
    definition = ProcessDefinition.objects.select_related("deployment").get(pk=definition_id)
    return _model_from(definition)


def _model_from(definition: ProcessDefinition) -> ProcessModel:
    deployment = definition.deployment
    result = parse_bpmn(deployment.xml.encode(), filename=deployment.filename)
    return result.definitions.process(definition.key)


def definition_model(definition: ProcessDefinition | int) -> ProcessModel:
    definition_id = definition if isinstance(definition, int) else definition.pk
    return _model(definition_id)
