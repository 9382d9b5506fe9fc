"""The per-process index of deployed definitions that carry four-eyes rules."""

from __future__ import annotations

from typing import Any

import pytest

from bpmn_engine.services.rule_index import definitions_with_rules


@pytest.mark.django_db
def test_definitions_with_rules_lists_only_those_with_their_rule_elements(deployed: Any) -> None:
    plain = deployed("services/user_task")
    assert plain.pk not in definitions_with_rules()
    both = deployed("approvals_rules/four_eyes")
    starter_only = deployed("approvals_rules/starter_rule_only")
    index = definitions_with_rules()  # the earlier call's cache must not hide new ones
    assert index[both.pk] == (frozenset({"first", "second"}), frozenset({"first", "second"}))
    assert index[starter_only.pk] == (frozenset({"first", "second"}), frozenset())
    assert plain.pk not in index
