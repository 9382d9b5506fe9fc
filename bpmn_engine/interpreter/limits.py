"""Limits that keep one instance from hurting the others."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limits:
    max_steps: int = 10_000
    """Element executions per interpreter call: stops a loop that has no wait state."""
    max_variable_bytes: int = 1_000_000
    """Largest JSON size of one variable value written by a script."""
