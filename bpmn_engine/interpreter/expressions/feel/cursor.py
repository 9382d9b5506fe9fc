"""The token cursor and tree checks shared by the FEEL parser's modules."""

from __future__ import annotations

from ..errors import ExpressionSyntaxError
from ..lexer import END, NAME, OP, Token
from ..limits import MAX_DEPTH, MAX_NODES
from ..nodes import Node
from .nodes import feel_children

_OR, _AND, _COMPARISON, _SUM, _PRODUCT, _UNARY, _POSTFIX = range(10, 80, 10)
_OPERATORS = {
    "or": _OR,
    "and": _AND,
    **dict.fromkeys(("=", "==", "!=", "<", ">", "<=", ">=", "between", "in"), _COMPARISON),
    **dict.fromkeys(("+", "-"), _SUM),
    **dict.fromkeys(("*", "/"), _PRODUCT),
    ".": _POSTFIX,
    "[": _POSTFIX,
}
CONSTANTS = {"true": True, "false": False, "null": None}
KEYWORDS = frozenset(
    {*CONSTANTS, "and", "or", "in", "some", "every", "satisfies", "if", "then", "else"}
    | {"between", "instance", "of", "for", "return", "function"}
)


class TokenCursor:
    """Reading tokens: lookahead, expectations, errors with columns, FEEL names."""

    def __init__(self, tokens: list[Token], text: str) -> None:
        self.tokens = tokens
        self.text = text
        self.index = 0
        self.depth = 0
        self.range_end = False  # parsing the high end of a range: ``[`` may close it

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

    def at_range_dots(self) -> bool:
        """``..`` (the lexer gives two adjacent '.' tokens)."""
        first, second = self.peek(), self.peek(1)
        return (
            first.kind == OP
            and first.text == "."
            and second.kind == OP
            and second.text == "."
            and second.pos == first.pos + 1
        )

    @staticmethod
    def closes_range(following: Token) -> bool:
        """Whether a ``[`` followed by ``following`` ends ``]a..b[`` (not an index)."""
        return following.kind == END or (following.kind == OP and following.text in ")],")

    def binding(self) -> int:
        token = self.peek()
        if token.kind == NAME and token.text not in KEYWORDS:
            return 0
        if token.kind not in (OP, NAME) or self.at_range_dots():
            return 0
        if self.range_end and token.text == "[" and self.closes_range(self.peek(1)):
            return 0
        return _OPERATORS.get(token.text, 0)

    # -- grammar -------------------------------------------------------------------

    def name_from(self, first: Token) -> str:
        """A FEEL name: the words up to the next keyword or operator, joined by one space."""
        check_name(first, self.text)
        words = [first.text]
        while self.peek().kind == NAME and self.peek().text not in KEYWORDS:
            words.append(self.advance().text)
        return " ".join(words)

    def expression(self, min_binding: int) -> Node:
        raise NotImplementedError  # the grammar (``parser.FeelParser``)


def check_name(token: Token, text: str) -> None:
    """Refuse ``_``-prefixed names, as the shared parser does."""
    if token.text.startswith("_"):
        raise ExpressionSyntaxError(
            f"names starting with '_' are not allowed: '{token.text}'",
            source=text,
            column=token.pos + 1,
        )


def check_feel_tree(root: Node, text: str) -> None:
    """MAX_NODES and MAX_DEPTH over a tree that may hold FEEL nodes (iteratively)."""
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
        pending.extend((child, depth + 1) for child in feel_children(node))


def too_deep() -> str:
    return f"expression is nested too deeply: more than {MAX_DEPTH} levels (MAX_DEPTH)"


def describe(token: Token) -> str:
    if token.kind == END:
        return "end of expression"
    text = token.text if len(token.text) <= 20 else token.text[:20] + "..."
    return f"'{text}'"
