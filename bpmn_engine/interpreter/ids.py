"""New token and scope ids: random 128-bit UUIDs (version 4), as 32 hex digits.

``uuid.uuid4().hex`` spends most of its time validating arguments in ``UUID.__init__``;
an instance start makes several ids, so they are made here directly from the same
random bytes with the same version and variant bits.
"""

from __future__ import annotations

from os import urandom

_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_SET = (0x4000 << 64) | (0x8000 << 48)


def new_token_id() -> str:
    """A random UUID4 as 32 lowercase hex digits (``uuid.uuid4().hex``'s format)."""
    return f"{int.from_bytes(urandom(16)) & _CLEAR | _SET:032x}"
