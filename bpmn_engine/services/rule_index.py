"""Which deployed definitions carry four-eyes rules, cached per process.

The inbox hides the tasks the rules refuse (``task_rules.inbox_without_refused``). It
used to find the definitions its tasks belong to with a ``SELECT DISTINCT`` over every
visible task, which cost as much as counting them (about 40 ms for 10,000 visible
tasks, on every inbox call and every badge count). Rules belong to deployed content,
which never changes, so the answer per definition is computed once per process and
kept; each call then reads only the small definitions table.

Entries are keyed by (definition id, deployment checksum), so an id reused for other
content (SQLite reuses the highest id after a rollback) is looked at again. Only
definitions whose XML mentions a rule property are parsed; the others have no rules.
The rules are enforced by the task services; this index only decides what the inbox
shows.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping

from django.db.models import Q

from bpmn_engine.models import ProcessDefinition

RuleElements = tuple[frozenset[str], frozenset[str]]
"""(elements with fourEyes, elements with distinctApprovers) of one definition."""

NO_RULE_ELEMENTS: RuleElements = (frozenset(), frozenset())

_known: dict[tuple[int, str], RuleElements] = {}
_lock = threading.Lock()


def _mentions_a_rule() -> Q:
    from bpmn_engine.services.task_rules import DISTINCT_APPROVERS, FOUR_EYES

    return Q(deployment__xml__contains=FOUR_EYES) | Q(deployment__xml__contains=DISTINCT_APPROVERS)


def _compute(keys: list[tuple[int, str]]) -> dict[tuple[int, str], RuleElements]:
    from bpmn_engine.services.task_rules import elements_with_rules

    ids = [definition_id for definition_id, _ in keys]
    with_mention = set(
        ProcessDefinition.objects.filter(_mentions_a_rule(), pk__in=ids).values_list(
            "pk", flat=True
        )
    )
    found: dict[tuple[int, str], RuleElements] = {}
    for key in keys:
        if key[0] in with_mention:
            four_eyes, distinct = elements_with_rules(key[0])
            found[key] = (frozenset(four_eyes), frozenset(distinct))
        else:
            found[key] = NO_RULE_ELEMENTS
    return found


def definitions_with_rules() -> Mapping[int, RuleElements]:
    """Every deployed definition that has a rule, with its rule elements.

    One query on the definitions table per call (plus a parse, once per process, of each
    new definition whose XML names a rule).
    """
    keys = list(ProcessDefinition.objects.values_list("pk", "deployment__checksum"))
    unseen = [key for key in keys if key not in _known]
    if unseen:
        found = _compute(unseen)
        with _lock:
            _known.update(found)
    return {key[0]: _known[key] for key in keys if _known[key] != NO_RULE_ELEMENTS}
