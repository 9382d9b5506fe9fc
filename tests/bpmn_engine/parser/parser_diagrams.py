"""Helpers for parser tests: load diagrams from tests/diagrams/parser and find lines in them.

(A uniquely named module rather than conftest imports: test folders have no __init__.py.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bpmn_engine.parser import BpmnParseError, ParseResult, parse_bpmn

DIAGRAMS = Path(__file__).resolve().parents[2] / "diagrams" / "parser"


def diagram_bytes(name: str) -> bytes:
    return (DIAGRAMS / name).read_bytes()


def line_of(name: str, marker: str) -> int:
    """The 1-based line of the first occurrence of ``marker`` in a diagram."""
    for number, line in enumerate((DIAGRAMS / name).read_text().splitlines(), start=1):
        if marker in line:
            return number
    raise AssertionError(f"{marker!r} not in {name}")


def parse(name: str) -> ParseResult:
    return parse_bpmn(diagram_bytes(name), filename=name)


def parse_error(name: str) -> BpmnParseError:
    with pytest.raises(BpmnParseError) as caught:
        parse(name)
    return caught.value


def messages(error: BpmnParseError) -> list[str]:
    return [issue.message for issue in error.issues]
