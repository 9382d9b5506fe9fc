"""FEEL's side of the token cursor (names with spaces, ``..`` ranges, operator binding)
and its tree check; the shared part is ``expressions.cursor``."""

from __future__ import annotations

from ..cursor import TokenCursor, check_name, check_tree, describe
from ..lexer import END, NAME, OP, Token
from ..nodes import Node
from .nodes import feel_children

__all__ = ["CONSTANTS", "KEYWORDS", "FeelCursor", "check_feel_tree", "describe"]

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


class FeelCursor(TokenCursor):
    """The shared cursor plus FEEL names, ``..`` and the range-closing ``[``."""

    def __init__(self, tokens: list[Token], text: str) -> None:
        super().__init__(tokens, text)
        self.range_end = False  # parsing the high end of a range: ``[`` may close it

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


def check_feel_tree(root: Node, text: str) -> None:
    """MAX_NODES and MAX_DEPTH over a tree that may hold FEEL nodes (iteratively)."""
    check_tree(root, text, feel_children)
