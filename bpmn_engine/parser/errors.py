"""Deploy issues and the exception that carries all of them.

A modeler fixing a diagram wants every problem at once, not one per upload, so the
parser never stops at the first error: builders and checks append to an ``Issues``
list and ``parse_bpmn`` raises once at the end with everything it found.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from lxml import etree

from bpmn_engine.parser.namespaces import line_of

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class DeployIssue:
    """One problem in an uploaded file, pointing at the line and element to fix."""

    message: str
    line: int | None
    element_id: str | None
    column: int | None = None
    severity: str = ERROR

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column {self.column}")
        if self.element_id is not None:
            where.append(f"element '{self.element_id}'")
        prefix = "warning: " if self.severity == WARNING else ""
        return f"{prefix}{', '.join(where)}: {self.message}" if where else prefix + self.message

    def located(self, filename: str) -> str:
        """The compiler-style ``file:line: [id] message`` form, one issue per line."""
        text = filename
        if self.line is not None:
            text += f":{self.line}"
        text += ":"
        if self.element_id is not None:
            text += f" [{self.element_id}]"
        if self.severity == WARNING:
            text += " warning:"
        return f"{text} {self.message}"


def _order(issue: DeployIssue) -> tuple[int, int]:
    return (issue.line or 0, issue.column or 0)


class BpmnParseError(Exception):
    """The file cannot be deployed. ``issues`` holds every error found (never just one).

    Warnings found along the way are kept in ``warnings`` so the caller can show them
    next to the errors; they are not part of ``str()``, which lists what must be fixed.
    """

    def __init__(
        self,
        filename: str,
        issues: Iterable[DeployIssue],
        warnings: Iterable[DeployIssue] = (),
    ) -> None:
        self.filename = filename
        self.issues = tuple(sorted(issues, key=_order))
        self.warnings = tuple(sorted(warnings, key=_order))
        super().__init__("\n".join(issue.located(filename) for issue in self.issues))


@dataclass
class Issues:
    """The growing list of problems found while building and checking one file."""

    items: list[DeployIssue] = field(default_factory=list)

    def error(
        self,
        message: str,
        el: etree._Element | None = None,
        element_id: str | None = None,
        *,
        line: int | None = None,
    ) -> None:
        self.add(message, el, element_id, line=line, severity=ERROR)

    def warning(
        self,
        message: str,
        el: etree._Element | None = None,
        element_id: str | None = None,
        *,
        line: int | None = None,
    ) -> None:
        self.add(message, el, element_id, line=line, severity=WARNING)

    def add(
        self,
        message: str,
        el: etree._Element | None = None,
        element_id: str | None = None,
        *,
        line: int | None = None,
        severity: str = ERROR,
    ) -> None:
        """Record an issue; the line and id default to those of ``el``."""
        if el is not None:
            line = line_of(el) if line is None else line
            element_id = el.get("id") if element_id is None else element_id
        self.items.append(DeployIssue(message, line, element_id, severity=severity))

    @property
    def errors(self) -> tuple[DeployIssue, ...]:
        return tuple(issue for issue in self.items if issue.severity == ERROR)

    @property
    def warnings(self) -> tuple[DeployIssue, ...]:
        return tuple(sorted((i for i in self.items if i.severity == WARNING), key=_order))
