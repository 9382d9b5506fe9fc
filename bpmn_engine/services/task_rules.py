"""Four-eyes rules on user tasks, configured per task by extension properties.

``baton.fourEyes=true``: the instance's starter (the requester) may not claim or complete
the task. ``baton.distinctApprovers=true`` (on by default with ``fourEyes``): one person
may not complete two tasks of the same instance that both carry this rule, so the manager
who approved cannot approve again as finance, nor twice in an N-of-M vote.

The rules are read from the deployed model (cached per definition), never from the task
row, so every task of a definition gets them and nobody can switch them off at run time.
They are enforced by the task services (``task_claim``, ``task_complete``, delegation,
drafts); ``user_task_inbox`` and ``task_can_act`` use the same checks only so pages do
not offer what the services would refuse.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import reduce
from typing import Any

from django.db.models import Q, QuerySet

from bpmn_engine.models import ProcessInstance, UserTask
from bpmn_engine.services.models_cache import definition_model

FOUR_EYES = "baton.fourEyes"
DISTINCT_APPROVERS = "baton.distinctApprovers"
_OFF = {"false", "0", "no", "off"}
"""A rule is off only when its property is absent or says so; any other value turns it
on, so a typo fails closed (the safe side for a control like this)."""

STARTER_REFUSAL = "You started this request, so someone else must approve it"
REPEAT_REFUSAL = (
    "You already completed another approval of this request, so someone else must complete this one"
)
STARTER_ASSIGN_REFUSAL = "{name} started this request, so it cannot be given to them"


def _flag(value: str | None) -> bool | None:
    if value is None:
        return None
    return value.strip().lower() not in _OFF


@dataclass(frozen=True)
class TaskRules:
    four_eyes: bool = False
    distinct_approvers: bool = False

    @property
    def any(self) -> bool:
        return self.four_eyes or self.distinct_approvers

    @classmethod
    def from_properties(cls, properties: Mapping[str, str]) -> TaskRules:
        four_eyes = bool(_flag(properties.get(FOUR_EYES)))
        distinct = _flag(properties.get(DISTINCT_APPROVERS))
        return cls(
            four_eyes=four_eyes, distinct_approvers=four_eyes if distinct is None else distinct
        )


NO_RULES = TaskRules()


def task_rules_of(definition_id: int, element_id: str) -> TaskRules:
    """The rules of one user task element of a deployed definition."""
    node = definition_model(definition_id).nodes.get(element_id)
    if node is None:
        return NO_RULES
    return TaskRules.from_properties(node.extensions.properties)


def elements_with_rules(definition_id: int) -> tuple[set[str], set[str]]:
    """(elements with fourEyes, elements with distinctApprovers) of a definition."""
    four_eyes: set[str] = set()
    distinct: set[str] = set()
    for node in definition_model(definition_id).nodes.values():
        rules = TaskRules.from_properties(node.extensions.properties)
        if rules.four_eyes:
            four_eyes.add(node.id)
        if rules.distinct_approvers:
            distinct.add(node.id)
    return four_eyes, distinct


def rule_refusal(
    *,
    definition_id: int,
    element_id: str,
    name: str,
    started_by: str,
    completed_elements: Iterable[str],
) -> str | None:
    """Why ``name`` may not claim or complete the task, or None if the rules allow it.

    ``completed_elements`` are the element ids of the *other* tasks of the instance that
    ``name`` completed; only those that carry the distinct-approvers rule count.
    """
    rules = task_rules_of(definition_id, element_id)
    if not rules.any or not name:
        return None
    if rules.four_eyes and started_by == name:
        return STARTER_REFUSAL
    if rules.distinct_approvers and any(
        task_rules_of(definition_id, element).distinct_approvers for element in completed_elements
    ):
        return REPEAT_REFUSAL
    return None


def completed_elements_of(task: UserTask, name: str) -> list[str]:
    """Element ids of the other tasks of ``task``'s instance that ``name`` completed."""
    return list(
        UserTask.objects.filter(
            instance_id=task.instance_id, state=UserTask.State.COMPLETED, completed_by=name
        )
        .exclude(pk=task.pk)
        .values_list("element_id", flat=True)
    )


def task_rule_refusal(task: UserTask, name: str) -> str | None:
    """``rule_refusal`` for a task loaded through the ORM (pages, notifications)."""
    if not name or not task_rules_of(task.instance.definition_id, task.element_id).any:
        return None
    return rule_refusal(
        definition_id=task.instance.definition_id,
        element_id=task.element_id,
        name=name,
        started_by=task.instance.started_by,
        completed_elements=completed_elements_of(task, name),
    )


def _by_elements(pairs: Mapping[int, Collection[str]]) -> list[tuple[list[str], list[int]]]:
    """(element ids, definition ids) groups: versions sharing element ids share a term."""
    groups: dict[tuple[str, ...], list[int]] = {}
    for definition_id, elements in pairs.items():
        if elements:
            groups.setdefault(tuple(sorted(elements)), []).append(definition_id)
    return [(list(elements), sorted(ids)) for elements, ids in sorted(groups.items())]


def _any_of(parts: list[Q]) -> Q | None:
    return reduce(lambda a, b: a | b, parts) if parts else None


def _definitions_in(
    mine: QuerySet[Any], field: str, rules: Mapping[int, Collection[str]]
) -> set[int]:
    """Which of the definitions with a rule ``mine`` (the user's started instances or
    completed tasks, still running) has rows in; one query, none without rules."""
    ids = [definition_id for definition_id, elements in rules.items() if elements]
    if not ids:
        return set()
    rows = mine.filter(**{f"{field}__in": ids}).order_by().values_list(field, flat=True)
    return set(rows.distinct())


def inbox_without_refused(tasks: QuerySet[UserTask], name: str) -> QuerySet[UserTask]:
    """Drop the tasks the rules refuse to ``name`` from an inbox queryset.

    The definitions that carry a rule come from ``rule_index`` (cached per process, one
    small query per call), not from the visible tasks, so finding them does not cost a
    scan of the inbox; the exclusion is plain SQL on the element ids that carry a rule.
    """
    if not name:
        return tasks
    from bpmn_engine.services.rule_index import definitions_with_rules

    four_eyes: dict[int, Collection[str]] = {}
    distinct: dict[int, Collection[str]] = {}
    for definition_id, (four, repeat) in definitions_with_rules().items():
        four_eyes[definition_id], distinct[definition_id] = four, repeat
    # Each term names the instances a rule can apply to in a subquery over what the user
    # started or completed (small, indexed), rather than joining every visible task to
    # its instance: the badge count then reads the task rows only. Terms for definitions
    # where the user started or completed nothing still running are left out (one query
    # per rule finds those definitions): most approvers started none of the requests
    # they approve, and every term is tested on every open task a count reads.
    started = ProcessInstance.objects.filter(started_by=name, ended_at__isnull=True)
    live = _definitions_in(started, "definition_id", four_eyes)
    started_terms = [
        Q(
            element_id__in=elements,
            instance_id__in=started.filter(definition_id__in=live & set(ids)).values("pk"),
        )
        for elements, ids in _by_elements(four_eyes)
        if live & set(ids)
    ]
    completed = UserTask.objects.filter(
        state=UserTask.State.COMPLETED, completed_by=name, instance__ended_at__isnull=True
    )
    live = _definitions_in(completed, "instance__definition_id", distinct)
    repeated_terms = [
        Q(
            element_id__in=elements,
            instance_id__in=completed.filter(
                element_id__in=elements, instance__definition_id__in=live & set(ids)
            ).values("instance_id"),
        )
        for elements, ids in _by_elements(distinct)
        if live & set(ids)
    ]
    for term in (_any_of(started_terms), _any_of(repeated_terms)):
        if term is not None:
            tasks = tasks.exclude(term)
    return tasks
