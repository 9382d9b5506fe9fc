"""Entry points that turn source text into CompiledExpression objects.

Both compilers are lru-cached: process definitions are immutable and the same condition
or attribute template is evaluated over and over, so parsing happens once per text.
Failures are not cached (lru_cache does not store exceptions).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from .cursor import check_tree
from .errors import ExpressionSyntaxError
from .evaluator import CompiledExpression
from .feel import compile_feel, is_feel
from .lexer import tokenize
from .limits import CACHE_SIZE, check_length
from .nodes import Literal, Node, Template
from .parser import Parser

_OPENERS = ("${", "#{")


def is_template(text: str) -> bool:
    """Whether `text` contains a `${...}` or `#{...}` part."""
    return "${" in text or "#{" in text


def compile_expression(source: str) -> CompiledExpression:
    """Compile a whole text as ONE expression (cached).

    Accepts Camunda style `${...}` / `#{...}` (surrounding whitespace allowed) and plain
    text such as `amount > 1000 and approved`. Text starting with Zeebe's `=` marker is
    FEEL (see `feel`). Raises ExpressionSyntaxError.
    """
    check_length(source)
    if is_feel(source):
        return compile_feel(source)
    return _compile_expression(source)


def compile_template(source: str) -> CompiledExpression:
    """Compile an attribute value such as `assignee="${initiator}"` (cached).

    Text without `${`/`#{` evaluates to itself. Text that is (apart from surrounding
    whitespace) exactly one `${expr}` evaluates to the raw value of expr, of any type.
    Anything else evaluates to a str: the literal parts plus each expression stringified
    (null as "", booleans as true/false).
    """
    check_length(source)
    return _compile_template(source)


def clear_caches() -> None:
    """Drop all cached compilations (for tests and memory diagnostics)."""
    _compile_expression.cache_clear()
    _compile_template.cache_clear()


# The public functions above stay properly typed for callers; lru_cache wrappers are not.
@functools.lru_cache(maxsize=CACHE_SIZE)
def _compile_expression(source: str) -> CompiledExpression:
    stripped = source.lstrip()
    start = len(source) - len(stripped)
    if stripped.startswith(_OPENERS):
        tokens, end = tokenize(source, start + 2, until_brace=True)
        if source[end:].strip():
            raise ExpressionSyntaxError(
                "unexpected text after the '}' that closes the expression",
                source=source,
                column=end + 1,
            )
    else:
        tokens, _ = tokenize(source)
    return CompiledExpression(source, Parser(tokens, source).parse())


@functools.lru_cache(maxsize=CACHE_SIZE)
def _compile_template(source: str) -> CompiledExpression:
    parts: list[Node] = []
    texts: list[str] = []  # the literal text between/around the expressions
    literal_start = 0
    while (opener := _find_opener(source, literal_start)) >= 0:
        texts.append(source[literal_start:opener])
        if texts[-1]:
            parts.append(Literal(literal_start, texts[-1]))
        tokens, literal_start = tokenize(source, opener + 2, until_brace=True)
        parts.append(Parser(tokens, source).parse())
    texts.append(source[literal_start:])
    if texts[-1]:
        parts.append(Literal(literal_start, texts[-1]))
    if len(texts) == 1:
        return CompiledExpression(source, Literal(0, source))
    if len(texts) == 2 and not "".join(texts).strip():
        expression = parts[1] if texts[0] else parts[0]
        return CompiledExpression(source, expression)
    root = Template(0, tuple(parts))
    check_tree(root, source)
    return CompiledExpression(source, root)


def _find_opener(source: str, start: int) -> int:
    """Offset of the next `${` or `#{` at or after `start`, or -1."""
    found = [offset for offset in (source.find(o, start) for o in _OPENERS) if offset >= 0]
    return min(found, default=-1)


def evaluate(source: str, variables: Mapping[str, Any]) -> Any:
    """Shorthand for `compile_expression(source).evaluate(variables)`."""
    return compile_expression(source).evaluate(variables)
