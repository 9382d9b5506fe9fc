"""The operator's view of the engine.

Definitions and runtime rows are read-only here: a row edited by hand would disagree
with the interpreter's state, so operators act only through services - upload a diagram
(``definition_deploy``), cancel an instance (``instance_cancel``), retry an incident
(``incident_retry``) - which lock, validate and record history like every other caller.
Django's admin autodiscovery imports this package; each module registers its models.
"""

from bpmn_engine.admin import deployments, instances, runtime_rows
from bpmn_engine.admin.deployments import UploadBpmnForm
from bpmn_engine.api import admin as api_admin  # API tokens and webhooks

__all__ = ["UploadBpmnForm", "api_admin", "deployments", "instances", "runtime_rows"]
