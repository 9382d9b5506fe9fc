"""Token and scope ids are random version-4 UUIDs written as 32 hex digits."""

from __future__ import annotations

from uuid import UUID

from bpmn_engine.interpreter.ids import new_token_id


def test_ids_are_distinct_uuid4_hex() -> None:
    ids = [new_token_id() for _ in range(1000)]
    assert len(set(ids)) == len(ids)
    for value in ids:
        assert len(value) == 32
        parsed = UUID(hex=value)
        assert parsed.version == 4
        assert parsed.hex == value
