"""Parse uploaded BPMN 2.0 files into the immutable ``bpmn_engine.model``.

``parse_bpmn`` is the single entry point. It loads the bytes with every risky XML feature
off, builds ``Definitions`` through a registry of small per-tag builders, then runs the
semantic checks. Every problem found is collected: a file that cannot be deployed raises
one ``BpmnParseError`` listing them all, each with its line and element id.
"""

from __future__ import annotations

from dataclasses import dataclass

from bpmn_engine.model import Definitions
from bpmn_engine.parser.builders import build_definitions
from bpmn_engine.parser.columns import with_columns
from bpmn_engine.parser.errors import BpmnParseError, DeployIssue, Issues
from bpmn_engine.parser.registry import BuildContext
from bpmn_engine.parser.scan import scan_document
from bpmn_engine.parser.syntax import check_syntax
from bpmn_engine.parser.validation import validate
from bpmn_engine.parser.xml import load_document

__all__ = ["BpmnParseError", "DeployIssue", "ParseResult", "parse_bpmn"]

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class ParseResult:
    definitions: Definitions
    warnings: tuple[DeployIssue, ...]


def parse_bpmn(
    data: bytes, *, filename: str = "<upload>", max_bytes: int = DEFAULT_MAX_BYTES
) -> ParseResult:
    """Parse and validate one BPMN file; raise ``BpmnParseError`` listing every error,
    each with its line and column (``columns``)."""
    try:
        return _parse(data, filename=filename, max_bytes=max_bytes)
    except BpmnParseError as exc:
        raise with_columns(exc, data) from None


def _parse(data: bytes, *, filename: str, max_bytes: int) -> ParseResult:
    root = load_document(data, filename=filename, max_bytes=max_bytes)
    issues = Issues()
    context = BuildContext(issues)
    scan_document(root, issues)
    definitions = build_definitions(root, context)
    issues.items.extend(validate(definitions))
    for process in definitions.processes:
        issues.items.extend(check_syntax(process, context))
    if issues.errors:
        raise BpmnParseError(filename, issues.errors, issues.warnings)
    return ParseResult(definitions=definitions, warnings=issues.warnings)
