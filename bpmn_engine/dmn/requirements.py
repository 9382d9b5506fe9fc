"""Decision requirements: link each decision to the decisions it requires.

Required decisions are evaluated first and their results handed to the requiring one, so
the links must form a DAG. Decisions are built bottom-up (Kahn's algorithm, no recursion:
a hostile file with a very long chain cannot exhaust the stack), and whatever is left
over is part of a cycle and reported as such.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from bpmn_engine.dmn.model import Decision, DecisionTable, Logic
from bpmn_engine.parser.errors import Issues
from bpmn_engine.parser.namespaces import line_of

RequiredIds = Callable[[etree._Element], list[tuple[str, etree._Element]]]


def link_decisions(
    tables: dict[str, tuple[etree._Element, Logic | None]],
    required_ids: RequiredIds,
    issues: Issues,
) -> dict[str, Decision]:
    """Decisions by id (document order), with ``required`` resolved; issues on failure."""
    needs: dict[str, list[str]] = {}
    for decision_id, (el, _table) in tables.items():
        needs[decision_id] = []
        for required, ref in required_ids(el):
            if required not in tables:
                issues.error(
                    f"decision '{decision_id}' requires decision '{required}', "
                    "which is not in this file",
                    ref,
                    decision_id,
                )
            elif required not in needs[decision_id]:
                needs[decision_id].append(required)
    built: dict[str, Decision] = {}
    progress = True
    while progress:
        progress = False
        for decision_id, wanted in needs.items():
            if decision_id in built or not all(r in built for r in wanted):
                continue
            el, table = tables[decision_id]
            progress = True
            if table is None:
                continue
            built[decision_id] = Decision(
                id=decision_id,
                name=el.get("name", ""),
                line=line_of(el),
                table=table if isinstance(table, DecisionTable) else None,
                required=tuple(built[r] for r in wanted),
                literal=None if isinstance(table, DecisionTable) else table,
            )
        needs = {k: v for k, v in needs.items() if k not in built and tables[k][1] is not None}
    for decision_id in needs:
        el = tables[decision_id][0]
        if all(r in tables and tables[r][1] is not None for r in needs[decision_id]):
            issues.error(f"decision '{decision_id}' is part of a requirement cycle", el)
    return {decision_id: built[decision_id] for decision_id in tables if decision_id in built}
