"""Columns for deploy issues that only know their line.

lxml reports a line and a column for XML that is not well-formed, but an element of a
parsed tree knows only its line (``sourceline``). A modeler's editor jumps to a line and
column, so issues about elements get the column of the element's start tag, found on
that line of the uploaded text: the ``<`` before ``id="..."`` of the element, else the
first tag on the line.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bpmn_engine.parser.errors import BpmnParseError, DeployIssue

_TAG = re.compile(r"<(?![?!/])")


def _lines(data: bytes) -> list[str] | None:
    """The text's lines, or None when it is not UTF-8 (UTF-16 and others: no columns)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:200]:
        return None
    return data.decode("utf-8", errors="replace").splitlines()


def _column(line: str, element_id: str | None) -> int:
    if element_id:
        for quote in ('"', "'"):
            at = line.find(f"id={quote}{element_id}{quote}")
            if at >= 0:
                start = line.rfind("<", 0, at)
                return (start if start >= 0 else at) + 1
    tag = _TAG.search(line)
    if tag is not None:
        return tag.start() + 1
    return len(line) - len(line.lstrip()) + 1


def _located(issue: DeployIssue, lines: list[str]) -> DeployIssue:
    if issue.column is not None or issue.line is None or not 1 <= issue.line <= len(lines):
        return issue
    return replace(issue, column=_column(lines[issue.line - 1], issue.element_id))


def with_columns(error: BpmnParseError, data: bytes) -> BpmnParseError:
    """The same error, each issue with a line given a column too."""
    issues = (*error.issues, *error.warnings)
    if all(issue.line is None or issue.column is not None for issue in issues):
        return error
    lines = _lines(data)
    if lines is None:
        return error
    return BpmnParseError(
        error.filename,
        [_located(issue, lines) for issue in error.issues],
        [_located(issue, lines) for issue in error.warnings],
    )
