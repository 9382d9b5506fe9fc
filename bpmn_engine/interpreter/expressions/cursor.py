"""The token cursor and tree limits shared by the expression parser and the FEEL parser.

`TokenCursor` holds what both Pratt parsers do the same way: reading tokens, errors with
columns, the depth-bounded expression loop and comma-separated sequences. Each grammar
supplies its own `prefix`, `binding` and `infix`. `check_tree` enforces MAX_NODES and
MAX_DEPTH over a finished tree, given the grammar's `children` function.
"""

from __future__ import annotations

from collections.abc import Callable

from .errors import ExpressionSyntaxError
from .lexer import END, OP, Token
from .limits import MAX_DEPTH, MAX_NODES
from .nodes import Node, children


class TokenCursor:
    """Reads `tokens` (which end with an END token) of `text`; subclassed by each grammar."""

    def __init__(self, tokens: list[Token], text: str) -> None:
        self.tokens = tokens
        self.text = text
        self.index = 0
        self.depth = 0

    # -- token helpers -------------------------------------------------------------

    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.index + ahead, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.peek()
        self.index = min(self.index + 1, len(self.tokens) - 1)
        return token

    def at(self, text: str, kind: str = OP) -> bool:
        token = self.peek()
        return token.kind == kind and token.text == text

    def expect(self, text: str, kind: str = OP) -> Token:
        token = self.advance()
        if token.kind != kind or token.text != text:
            raise self.error(f"expected '{text}' but found {describe(token)}", token)
        return token

    def error(self, message: str, token: Token) -> ExpressionSyntaxError:
        return ExpressionSyntaxError(message, source=self.text, column=token.pos + 1)

    def unexpected(self, token: Token) -> ExpressionSyntaxError:
        return self.error(f"unexpected {describe(token)}", token)

    # -- grammar -------------------------------------------------------------------

    def expression(self, min_binding: int) -> Node:
        """Pratt loop; the recursion depth is capped, so no input raises RecursionError."""
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise self.error(too_deep(), self.peek())
            left = self.prefix()
            while (binding := self.binding()) > min_binding:
                left = self.infix(left, binding)
            return left
        finally:
            self.depth -= 1

    def sequence(self, closing: str) -> tuple[Node, ...]:
        """Comma-separated expressions up to `closing` (already past the opener)."""
        items: list[Node] = []
        while not self.at(closing):
            items.append(self.expression(0))
            if not self.at(","):
                break
            self.advance()
        self.expect(closing)
        return tuple(items)

    def prefix(self) -> Node:
        raise NotImplementedError  # the grammar

    def binding(self) -> int:
        """Binding power of the next token as an infix/postfix operator (0: none)."""
        raise NotImplementedError  # the grammar

    def infix(self, left: Node, binding: int) -> Node:
        raise NotImplementedError  # the grammar


def check_name(token: Token, text: str) -> None:
    """Refuse `_`-prefixed names: they are how Python internals are reached."""
    if token.text.startswith("_"):
        raise ExpressionSyntaxError(
            f"names starting with '_' are not allowed: '{token.text}'",
            source=text,
            column=token.pos + 1,
        )


def check_tree(
    root: Node, text: str, children_of: Callable[[Node], tuple[Node, ...]] = children
) -> None:
    """Enforce MAX_NODES and MAX_DEPTH on a tree, iteratively (no recursion)."""
    count = 0
    pending: list[tuple[Node, int]] = [(root, 1)]
    while pending:
        node, depth = pending.pop()
        count += 1
        if count > MAX_NODES:
            raise ExpressionSyntaxError(
                f"expression is too large: more than {MAX_NODES} syntax nodes (MAX_NODES)",
                source=text,
            )
        if depth > MAX_DEPTH:
            raise ExpressionSyntaxError(too_deep(), source=text, column=node.pos + 1)
        pending.extend((child, depth + 1) for child in children_of(node))


def too_deep() -> str:
    return f"expression is nested too deeply: more than {MAX_DEPTH} levels (MAX_DEPTH)"


def describe(token: Token) -> str:
    if token.kind == END:
        return "end of expression"
    text = token.text if len(token.text) <= 20 else token.text[:20] + "..."
    return f"'{text}'"
