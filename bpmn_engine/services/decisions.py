"""DMN decisions: deploying them with a BPMN file, and finding them at run time.

Decisions are deployed in the same deployment as the BPMN file that uses them, one
``DecisionDefinition`` row per decision (versioned per key like processes), each keeping
the whole DMN file because decisions may require one another. Rows never change, so a
parsed decision is cached per row id forever, like ``models_cache`` does for processes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from django.db.models import Max

from bpmn_engine.dmn import Decision, DmnDefinitions, parse_dmn
from bpmn_engine.interpreter.decisions import DecisionNotFound
from bpmn_engine.interpreter.expressions.feel import is_feel
from bpmn_engine.model import BusinessRuleTask, ProcessModel
from bpmn_engine.models import DecisionDefinition, Deployment, ProcessDefinition
from bpmn_engine.parser import BpmnParseError, DeployIssue
from bpmn_engine.parser.errors import WARNING


@dataclass(frozen=True)
class DmnFile:
    filename: str
    text: str
    definitions: DmnDefinitions


def dmn_files_parse(files: Iterable[tuple[str, bytes]], *, max_bytes: int) -> list[DmnFile]:
    """Parse every DMN file; raise ``BpmnParseError`` for the first file that is refused.

    A decision id may appear in only one file of a deployment: a reference to it must
    name one decision.
    """
    parsed: list[DmnFile] = []
    seen: dict[str, str] = {}
    for filename, data in files:
        definitions = parse_dmn(data, filename=filename, max_bytes=max_bytes)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise BpmnParseError(
                filename, (DeployIssue("the file is not UTF-8; save it as UTF-8", None, None),)
            ) from None
        for key, decision in definitions.decisions.items():
            if key in seen:
                message = f"decision '{key}' is also defined in {seen[key]}"
                raise BpmnParseError(filename, (DeployIssue(message, decision.line, key),))
            seen[key] = filename
        parsed.append(DmnFile(filename, text, definitions))
    return parsed


def missing_decision_warnings(
    processes: Sequence[ProcessModel], files: Sequence[DmnFile]
) -> list[str]:
    """Warnings for business rule tasks whose decision is neither deployed nor in ``files``.

    Only a warning: the decision may be deployed later; at run time a missing decision is
    an incident on the task. A ``${...}`` or FEEL (``= ...``) reference can only be
    checked at run time.
    """
    here = {key for file in files for key in file.definitions.decisions}
    warnings = []
    for process in processes:
        for node in process.nodes.values():
            if not isinstance(node, BusinessRuleTask) or node.binding != "decision":
                continue
            key = node.decision_ref
            if "${" in key or "#{" in key or is_feel(key) or key in here:
                continue
            if node.decision_binding == "deployment" or not _deployed(node):
                message = f"decision {key!r} is not deployed (yet)"
                if node.decision_binding == "deployment":
                    message = f"decision {key!r} is not in this deployment"
                warnings.append(str(DeployIssue(message, node.line, node.id, severity=WARNING)))
    return warnings


def _deployed(node: BusinessRuleTask) -> bool:
    rows = DecisionDefinition.objects.filter(key=node.decision_ref)
    if node.decision_binding == "version":
        rows = rows.filter(version=node.decision_version or 0)
    return rows.exists()


def decisions_store(deployment: Deployment, files: Sequence[DmnFile]) -> list[DecisionDefinition]:
    """One row per decision, version n+1 of its key (call inside the deploy transaction)."""
    stored = []
    for file in files:
        for key, decision in file.definitions.decisions.items():
            # Lock the key's rows so two uploads of the same key cannot take one version.
            list(DecisionDefinition.objects.select_for_update().filter(key=key))
            latest = DecisionDefinition.objects.filter(key=key).aggregate(v=Max("version"))
            stored.append(
                DecisionDefinition.objects.create(
                    deployment=deployment,
                    key=key,
                    version=(latest["v"] or 0) + 1,
                    name=decision.name,
                    filename=file.filename,
                    xml=file.text,
                )
            )
    return stored


@lru_cache(maxsize=256)
def _decision(decision_definition_id: int) -> Decision:
    row = DecisionDefinition.objects.get(pk=decision_definition_id)
    definitions = parse_dmn(row.xml.encode(), filename=row.filename)
    return definitions.decisions[row.key]


def decision_model(definition: DecisionDefinition | int) -> Decision:
    """The parsed decision of a row (cached: rows never change)."""
    return _decision(definition if isinstance(definition, int) else definition.pk)


class DeploymentDecisions:
    """The ``DecisionResolver`` for instances of one process definition.

    The deployment id is looked up on first use only, so steps that evaluate no decision
    cost no query.
    """

    __slots__ = ("definition_id", "_deployment_id")

    def __init__(self, definition_id: int) -> None:
        self.definition_id = definition_id
        self._deployment_id: int | None = None

    def __call__(self, key: str, *, binding: str, version: int | None) -> Decision:
        rows = DecisionDefinition.objects.filter(key=key)
        wanted = f"decision '{key}'"
        if binding == "deployment":
            rows = rows.filter(deployment_id=self.deployment_id)
            wanted += " in the deployment of this process"
        elif binding == "version":
            rows = rows.filter(version=version or 0)
            wanted += f" version {version}"
        found = rows.order_by("-version").values_list("pk", flat=True).first()
        if found is None:
            raise DecisionNotFound(f"{wanted} is not deployed")
        return decision_model(found)

    @property
    def deployment_id(self) -> int:
        if self._deployment_id is None:
            self._deployment_id = ProcessDefinition.objects.values_list(
                "deployment_id", flat=True
            ).get(pk=self.definition_id)
        return self._deployment_id
