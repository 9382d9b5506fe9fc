"""Condition languages other than Baton's own: FEEL and a small XPath subset.

Both are stored as FEEL text with Zeebe's ``=`` marker, which the expression compiler
reads as the FEEL dialect switch (``interpreter/expressions/feel``), so the model keeps
one condition string per flow and the interpreter needs no language field.

XPath: BPMN 2.0's default expression language reads data objects with
``bpmn:getDataObject('name')`` (Table 10.x, "XPath extension functions"). Only that form
is supported, combined with string/number literals, ``= != < <= > >=``, ``and``, ``or``,
``not(...)``, ``true()``/``false()`` and parentheses; anything else is refused with the
first token that is not part of the subset.
"""

from __future__ import annotations

import json

from bpmn_engine.interpreter.expressions import ExpressionError
from bpmn_engine.interpreter.expressions.feel.parser import KEYWORDS as FEEL_KEYWORDS
from bpmn_engine.interpreter.expressions.lexer import END, NAME, NUMBER, OP, STRING, Token, tokenize

FEEL_MARKER = "= "


def is_feel_language(language: str) -> bool:
    """``FEEL`` (Zeebe's marker) and the DMN FEEL namespaces, e.g.
    ``https://www.omg.org/spec/DMN/20191111/FEEL/``."""
    return "feel" in language.lower()


def is_xpath_language(language: str) -> bool:
    return "xpath" in language.lower()


class XPathNotSupported(Exception):
    """The condition is XPath outside the supported subset; the message says where."""


_COMPARISONS = frozenset({"=", "!=", "<", "<=", ">", ">="})
_WORDS = {"and": "and", "or": "or"}
_CALLS = {"true": "true", "false": "false"}


def xpath_to_feel(text: str) -> str:
    """The FEEL text (with the marker) of an XPath condition in the subset."""
    try:
        tokens, _ = tokenize(text)
    except ExpressionError as error:
        raise XPathNotSupported(f"{error.message} (column {error.column})") from None
    out: list[str] = []
    index = 0
    while tokens[index].kind != END:
        index, piece = _translate(tokens, index)
        out.append(piece)
    if not out:
        raise XPathNotSupported("the condition is empty")
    return FEEL_MARKER + " ".join(out)


def _translate(tokens: list[Token], index: int) -> tuple[int, str]:
    token = tokens[index]
    if token.kind == STRING:
        return index + 1, json.dumps(token.value, ensure_ascii=False)
    if token.kind == NUMBER:
        return index + 1, token.text
    if token.kind == OP and (token.text in _COMPARISONS or token.text in "()"):
        return index + 1, token.text
    if token.kind == NAME:
        found = _data_object(tokens, index)
        if found is not None:
            return found
        if token.text in _WORDS:
            return index + 1, _WORDS[token.text]
        follows = tokens[index + 1]
        if token.text == "not" and follows.text == "(":
            return index + 1, "not"
        if token.text in _CALLS and follows.text == "(" and tokens[index + 2].text == ")":
            return index + 3, _CALLS[token.text]
    raise XPathNotSupported(
        f"only bpmn:getDataObject('name'), literals, comparisons, and/or/not() are supported;"
        f" found '{token.text}' (column {token.pos + 1})"
    )


def _data_object(tokens: list[Token], index: int) -> tuple[int, str] | None:
    """``bpmn:getDataObject('x')`` or ``getDataObject('x')``: the FEEL name ``x``."""
    start = index
    if tokens[index].text != "getDataObject" and tokens[index + 1].text == ":":
        index += 2
    if tokens[index].kind != NAME or tokens[index].text != "getDataObject":
        return None
    opener, argument, closer = (
        tokens[min(i, len(tokens) - 1)] for i in range(index + 1, index + 4)
    )
    if opener.text != "(" or argument.kind != STRING or closer.text != ")":
        raise XPathNotSupported(
            f"getDataObject takes one quoted data object name (column {tokens[start].pos + 1})"
        )
    name = str(argument.value).strip()
    words = name.split()
    if not words or not all(_plain_word(word) for word in words):
        raise XPathNotSupported(f"data object name {name!r} is not a plain name")
    return index + 4, " ".join(words)


def _plain_word(word: str) -> bool:
    return (
        word.isidentifier()
        and word.isascii()
        and not word.startswith("_")
        and word not in FEEL_KEYWORDS
    )


def feel_text(text: str) -> str:
    """FEEL text with the marker (once)."""
    stripped = text.strip()
    return stripped if stripped.startswith("=") else FEEL_MARKER + stripped


__all__ = [
    "FEEL_MARKER",
    "XPathNotSupported",
    "feel_text",
    "is_feel_language",
    "is_xpath_language",
    "xpath_to_feel",
]
