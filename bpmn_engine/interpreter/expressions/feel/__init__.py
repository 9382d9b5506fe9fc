"""FEEL, the expression language of DMN and of Camunda 8 (Zeebe), as a dialect of the
safe expression language.

A text is FEEL when it starts with Zeebe's ``=`` marker (``= approved``): that is how
Zeebe marks FEEL, and how the parser stores conditions a diagram declares as FEEL, so
``compile_expression`` picks the dialect from the text alone and every caller (flow
conditions, conditional events, loops) gets it without knowing. The dialect shares the
lexer, the syntax nodes, the limits and the evaluator; nothing is ever handed to
Python's eval.
"""

from __future__ import annotations

import functools

from ..lexer import tokenize
from ..limits import CACHE_SIZE, check_length
from .evaluator import FeelExpression
from .functions import FEEL_FUNCTIONS
from .parser import FeelParser

__all__ = ["FEEL_FUNCTIONS", "FeelExpression", "compile_feel", "feel_body", "is_feel"]


def is_feel(source: str) -> bool:
    """Whether ``source`` carries the ``=`` FEEL marker (and is not an ``==`` typo)."""
    stripped = source.lstrip()
    return stripped.startswith("=") and not stripped.startswith("==")


def feel_body(source: str) -> str:
    """The expression after the marker: ``"= a = 1"`` -> ``"a = 1"``."""
    return source.lstrip()[1:].strip() if is_feel(source) else source


def compile_feel(source: str) -> FeelExpression:
    """Compile FEEL text, with or without the ``=`` marker (cached)."""
    check_length(source)
    return _compile(source)


@functools.lru_cache(maxsize=CACHE_SIZE)
def _compile(source: str) -> FeelExpression:
    start = 0
    if is_feel(source):
        start = source.index("=") + 1
    tokens, _ = tokenize(source, start)
    return FeelExpression(source, FeelParser(tokens, source).parse())
