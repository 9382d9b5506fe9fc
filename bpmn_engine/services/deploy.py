"""``definition_deploy``: store an uploaded BPMN file as a deployment with versions."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Max

from bpmn_engine.conf import engine_setting
from bpmn_engine.models import DecisionDefinition, Deployment, ProcessDefinition
from bpmn_engine.parser import BpmnParseError, DeployIssue, parse_bpmn
from bpmn_engine.services.call_cycles import runaway_cycle_issues
from bpmn_engine.services.call_queries import unknown_called_keys
from bpmn_engine.services.decisions import (
    decisions_store,
    dmn_files_parse,
    missing_decision_warnings,
)
from bpmn_engine.services.errors import InvalidInput
from bpmn_engine.services.events.starts import start_events_register


class DeployError(InvalidInput):
    """The file was refused. ``issues`` lists every problem with its line and element."""

    def __init__(self, parse_error: BpmnParseError) -> None:
        self.issues: tuple[DeployIssue, ...] = parse_error.issues
        self.filename = parse_error.filename
        super().__init__(str(parse_error))


@dataclass
class DeployResult:
    deployment: Deployment
    definitions: list[ProcessDefinition]
    created: bool
    """False when identical content was already deployed: no new version was made."""
    warnings: list[str] = field(default_factory=list)
    decisions: list[DecisionDefinition] = field(default_factory=list)
    """The DMN decisions deployed with the file (``extra_files``), one row per decision."""


def definition_deploy(
    *,
    data: bytes,
    filename: str,
    name: str = "",
    user: AbstractBaseUser | None = None,
    extra_files: Sequence[tuple[str, bytes]] = (),
) -> DeployResult:
    """Parse, validate and store a BPMN file; one definition per process in it.

    Re-deploying byte-identical content returns the existing deployment. Otherwise each
    process gets version n+1 of its key. Non-executable processes are stored too (viewable,
    not startable).

    ``extra_files`` are ``(filename, bytes)`` DMN files deployed in the same deployment:
    each decision gets version n+1 of its key. They count in the identical-content check.
    """
    try:
        parsed = parse_bpmn(data, filename=filename, max_bytes=engine_setting("MAX_UPLOAD_BYTES"))
    except BpmnParseError as exc:
        raise DeployError(exc) from exc
    try:
        dmn_files = dmn_files_parse(extra_files, max_bytes=engine_setting("MAX_UPLOAD_BYTES"))
    except BpmnParseError as exc:
        raise DeployError(exc) from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        issue = DeployIssue(
            message=f"The file is not UTF-8 (byte {exc.start}); save it as UTF-8, as "
            "Camunda Modeler and bpmn.io do",
            line=None,
            element_id=None,
        )
        raise DeployError(BpmnParseError(filename, (issue,))) from exc
    checksum = _checksum(data, extra_files)
    warnings = [str(w) for w in parsed.warnings]
    warnings += unknown_called_keys(parsed.definitions.processes)
    if cycles := runaway_cycle_issues(parsed.definitions.processes):
        raise DeployError(BpmnParseError(filename, cycles))
    warnings += missing_decision_warnings(parsed.definitions.processes, dmn_files)
    with transaction.atomic():
        existing = Deployment.objects.filter(checksum=checksum).order_by("-pk").first()
        if existing is not None:
            return DeployResult(
                existing,
                list(existing.definitions.all()),
                False,
                warnings,
                list(existing.decisions.all()),
            )
        definitions = parsed.definitions
        deployment = Deployment.objects.create(
            name=name or definitions.name or filename,
            filename=filename,
            checksum=checksum,
            xml=text,
            warnings=warnings,
            imports=[
                {"namespace": i.namespace, "location": i.location, "type": i.import_type}
                for i in definitions.imports
            ],
            deployed_by_id=user.pk if user is not None and user.is_authenticated else None,
        )
        stored = []
        for process in definitions.processes:
            # Lock the key's rows so two uploads of the same key cannot take one version.
            list(ProcessDefinition.objects.select_for_update().filter(key=process.id))
            latest = ProcessDefinition.objects.filter(key=process.id).aggregate(v=Max("version"))
            stored.append(
                ProcessDefinition.objects.create(
                    deployment=deployment,
                    key=process.id,
                    version=(latest["v"] or 0) + 1,
                    name=process.name,
                    documentation=process.documentation,
                    is_executable=process.is_executable,
                    candidate_starter_groups=list(process.candidate_starter_groups),
                    candidate_starter_users=list(process.candidate_starter_users),
                )
            )
        decisions = decisions_store(deployment, dmn_files)
        start_events_register(stored)
    return DeployResult(deployment, stored, True, warnings, decisions)


def _checksum(data: bytes, extra_files: Sequence[tuple[str, bytes]]) -> str:
    """The BPMN file's sha256 alone (as before), or with each extra file's name and hash."""
    digest = hashlib.sha256(data)
    if not extra_files:
        return digest.hexdigest()
    for filename, content in extra_files:
        digest.update(b"\0" + filename.encode() + b"\0" + hashlib.sha256(content).digest())
    return digest.hexdigest()
