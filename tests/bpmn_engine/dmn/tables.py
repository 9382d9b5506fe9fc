"""Build small DMN 1.3 files from rows, so each hit-policy test shows its whole table."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from bpmn_engine.dmn import Decision, parse_dmn

DMN13 = "https://www.omg.org/spec/DMN/20191111/MODEL/"


def table_xml(
    rules: Sequence[tuple[Sequence[str], Sequence[str]]],
    *,
    inputs: Sequence[str] = ("x",),
    outputs: Sequence[str] = ("out",),
    hit_policy: str = "UNIQUE",
    aggregation: str | None = None,
    output_values: dict[str, str] | None = None,
    namespace: str = DMN13,
) -> bytes:
    """One decision ``d`` whose rules are ``(input entries, output entries)`` pairs."""
    values = output_values or {}
    columns = "".join(
        f'<input id="in{n}" label="{escape(e)}"><inputExpression><text>{escape(e)}</text>'
        "</inputExpression></input>"
        for n, e in enumerate(inputs)
    )
    for name in outputs:
        listed = values.get(name)
        inner = f"<outputValues><text>{escape(listed)}</text></outputValues>" if listed else ""
        columns += f'<output id="out_{name}" name="{name}">{inner}</output>'
    body = ""
    for number, (entries_in, entries_out) in enumerate(rules, 1):
        body += f'<rule id="r{number}">'
        body += "".join(f"<inputEntry><text>{escape(t)}</text></inputEntry>" for t in entries_in)
        body += "".join(f"<outputEntry><text>{escape(t)}</text></outputEntry>" for t in entries_out)
        body += "</rule>"
    extra = f' aggregation="{aggregation}"' if aggregation else ""
    return (
        f'<definitions xmlns="{namespace}" id="defs" name="Tables" namespace="http://t">'
        f'<decision id="d" name="D"><decisionTable id="t" hitPolicy="{hit_policy}"{extra}>'
        f"{columns}{body}</decisionTable></decision></definitions>"
    ).encode()


def table(rules: Sequence[tuple[Sequence[str], Sequence[str]]], **options: object) -> Decision:
    return parse_dmn(table_xml(rules, **options), filename="t.dmn").decisions["d"]  # type: ignore[arg-type]
