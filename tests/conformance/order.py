"""The manifest's model-derived ``order``: a stricter check than betsy's sorted comparison.

``order`` is ``{"any_of": [{"events": [...], "before": [[i, j], ...]}]}``: the script
markers must be one of the alternatives, with event ``i`` logged before event ``j``.
Markers can repeat, so each event is matched to a position of the same label; every
matching is tried (the cases are small).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import permutations, product
from typing import Any

MAX_MATCHINGS = 100_000


def order_holds(order: dict[str, Any], observed: Sequence[str]) -> bool:
    return any(_alternative_holds(alt, observed) for alt in order["any_of"])


def _alternative_holds(alternative: dict[str, Any], observed: Sequence[str]) -> bool:
    events: list[str] = alternative["events"]
    if sorted(events) != sorted(observed):
        return False
    before = [tuple(pair) for pair in alternative["before"]]
    for positions in _matchings(events, observed):
        if all(positions[i] < positions[j] for i, j in before):
            return True
    return False


def _matchings(events: Sequence[str], observed: Sequence[str]) -> Iterator[list[int]]:
    """Every way of giving each event a distinct observed position with the same label."""
    labels = sorted(set(events))
    slots = {label: [p for p, seen in enumerate(observed) if seen == label] for label in labels}
    owners = {label: [i for i, event in enumerate(events) if event == label] for label in labels}
    choices = [permutations(slots[label]) for label in labels]
    for count, combination in enumerate(product(*choices)):
        if count >= MAX_MATCHINGS:
            return
        positions = [0] * len(events)
        for label, chosen in zip(labels, combination, strict=True):
            for event_index, position in zip(owners[label], chosen, strict=True):
                positions[event_index] = position
        yield positions
