"""Hard limits that keep hostile or runaway expressions cheap.

Expressions and scripts come from uploaded diagrams and run inside the engine's workers,
so size, nesting, work and the values they may build are all bounded. The language has no
loops, so work is counted as one step per syntax node visited plus a share of every
string or collection that a builtin scans or builds (`ITEMS_PER_STEP` items per step);
that bounds both time and the memory a single evaluation may allocate.
"""

from __future__ import annotations

from .errors import ExpressionRuntimeError, ExpressionSyntaxError

MAX_SOURCE_LENGTH = 10_000
"""Characters in one expression, template or whole script."""

MAX_DEPTH = 64
"""Nesting of the syntax tree (and of the parser's recursion)."""

MAX_NODES = 2_000
"""Syntax nodes in one expression or template."""

MAX_STEPS = 100_000
"""Work units per `evaluate()` call (per `run()` call for a whole script)."""

MAX_SIZE = 1_000_000
"""Characters of a string, or items of a list or dict, that an expression may produce."""

MAX_INT_BITS = 4_096
"""Bits of any integer literal or integer result."""

MAX_INT_DIGITS = 1_234
"""Decimal digits that can still fit in MAX_INT_BITS; longer literals are refused unread."""

ITEMS_PER_STEP = 100
"""Characters or items a builtin may scan or build for the price of one step."""

CACHE_SIZE = 4_096
"""Compiled expressions and templates kept by the lru caches."""


def check_length(source: str) -> None:
    """Refuse a non-str source, or one longer than MAX_SOURCE_LENGTH, before reading it."""
    if not isinstance(source, str):
        raise TypeError(f"expression source must be a str, not {type(source).__name__}")
    if len(source) > MAX_SOURCE_LENGTH:
        raise ExpressionSyntaxError(
            f"expression is too long: {len(source)} characters, the limit is "
            f"{MAX_SOURCE_LENGTH} (MAX_SOURCE_LENGTH)",
            source=source,
        )


class Budget:
    """The work counter of one evaluation (shared by all lines of a script run)."""

    __slots__ = ("steps",)

    def __init__(self) -> None:
        self.steps = 0

    def spend(self, steps: int = 1) -> None:
        """Charge `steps` work units; raise once the evaluation has done too much."""
        self.steps += steps
        if self.steps > MAX_STEPS:
            raise ExpressionRuntimeError(
                f"evaluation exceeded the limit of {MAX_STEPS} steps (MAX_STEPS)"
            )

    def scan(self, items: int) -> None:
        """Charge for scanning or building `items` characters or collection items."""
        self.spend(items // ITEMS_PER_STEP)
