"""Tokenizer shared by expressions, `${...}` templates and script lines.

Hand-written (no regex backtracking, no Python tokenizer) so that its cost is linear in
the input and every malformed input yields an ExpressionSyntaxError with a column.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .errors import ExpressionSyntaxError
from .limits import MAX_INT_BITS, MAX_INT_DIGITS

NUMBER = "number"
STRING = "string"
NAME = "name"
OP = "op"
END = "end"

_DIGITS = frozenset("0123456789")
_TWO_CHAR_OPERATORS = frozenset({"==", "!=", "<=", ">=", "&&", "||", "**", "//"})
_ONE_CHAR_OPERATORS = frozenset("+-*/%<>!?:.,()[]{}=;")
_ESCAPES = {'"': '"', "'": "'", "\\": "\\", "n": "\n", "t": "\t", "r": "\r"}
_CHARACTER_HINTS = {
    "&": "; did you mean '&&'?",
    "|": "; did you mean '||'?",
    "#": "; comments must be on a line of their own",
    "$": "; '${' may only open the whole expression or a template part",
}


@dataclass(frozen=True, slots=True)
class Token:
    """One token; `pos` is the 0-based offset of its first character in the lexed text."""

    kind: str
    text: str
    pos: int
    value: int | float | str | None = None


def tokenize(text: str, start: int = 0, *, until_brace: bool = False) -> tuple[list[Token], int]:
    """Split `text[start:]` into tokens ending with an END token.

    With `until_brace` the text is the inside of a `${...}`: tokenizing stops at the `}`
    that closes it (braces of dict literals and braces inside strings are skipped) and
    the returned index is just past that `}`. Otherwise it is the end of the text.
    """
    return _Lexer(text, start, until_brace).run()


class _Lexer:
    def __init__(self, text: str, start: int, until_brace: bool) -> None:
        self.text = text
        self.start = start
        self.until_brace = until_brace
        self.tokens: list[Token] = []

    def error(self, message: str, pos: int) -> ExpressionSyntaxError:
        return ExpressionSyntaxError(message, source=self.text, column=pos + 1)

    def run(self) -> tuple[list[Token], int]:
        text, i, n = self.text, self.start, len(self.text)
        braces = 0
        while True:
            while i < n and text[i].isspace():
                i += 1
            if i >= n:
                if self.until_brace:
                    raise self.error("missing '}' to close the '${' expression", self.start - 2)
                self.tokens.append(Token(END, "", i))
                return self.tokens, i
            char = text[i]
            if char == "}" and braces == 0 and self.until_brace:
                self.tokens.append(Token(END, "", i))
                return self.tokens, i + 1
            if char in _DIGITS:
                i = self.number(i)
            elif char in "'\"":
                i = self.string(i)
            elif char.isalpha() or char == "_":
                j = i + 1
                while j < n and (text[j].isalnum() or text[j] == "_"):
                    j += 1
                self.tokens.append(Token(NAME, text[i:j], i))
                i = j
            elif text[i : i + 2] in _TWO_CHAR_OPERATORS:
                self.tokens.append(Token(OP, text[i : i + 2], i))
                i += 2
            elif char in _ONE_CHAR_OPERATORS:
                if char == "{":
                    braces += 1
                elif char == "}" and braces:
                    braces -= 1
                self.tokens.append(Token(OP, char, i))
                i += 1
            else:
                hint = _CHARACTER_HINTS.get(char, "")
                raise self.error(f"unexpected character {char!r}{hint}", i)

    def number(self, i: int) -> int:
        """Lex an int (`42`) or a decimal (`4.2`, `4e2`); ints stay ints."""
        text, n = self.text, len(self.text)
        j = i
        while j < n and text[j] in _DIGITS:
            j += 1
        is_float = False
        if j + 1 < n and text[j] == "." and text[j + 1] in _DIGITS:
            is_float = True
            j += 1
            while j < n and text[j] in _DIGITS:
                j += 1
        if j < n and text[j] in "eE":
            k = j + 1
            if k < n and text[k] in "+-":
                k += 1
            if k < n and text[k] in _DIGITS:
                is_float = True
                j = k
                while j < n and text[j] in _DIGITS:
                    j += 1
        if j < n and (text[j].isalnum() or text[j] == "_"):
            raise self.error(f"invalid number literal {text[i : j + 1]!r}", i)
        literal = text[i:j]
        value: int | float
        if is_float:
            value = float(literal)
            if not math.isfinite(value):
                raise self.error("number literal is out of range", i)
        else:
            if len(literal.lstrip("0")) > MAX_INT_DIGITS:
                raise self.error(f"integer literal exceeds the limit of {MAX_INT_BITS} bits", i)
            value = int(literal)
            if value.bit_length() > MAX_INT_BITS:
                raise self.error(f"integer literal exceeds the limit of {MAX_INT_BITS} bits", i)
        self.tokens.append(Token(NUMBER, literal, i, value))
        return j

    def string(self, i: int) -> int:
        """Lex a '...' or "..." string with the escapes \\" \\' \\\\ \\n \\t \\r."""
        text, n = self.text, len(self.text)
        quote = text[i]
        chars: list[str] = []
        j = i + 1
        while True:
            if j >= n:
                raise self.error("unterminated string literal", i)
            char = text[j]
            if char == quote:
                break
            if char == "\\":
                if j + 1 >= n:
                    raise self.error("unterminated string literal", i)
                escaped = text[j + 1]
                if escaped not in _ESCAPES:
                    raise self.error(f"invalid escape sequence '\\{escaped}' in string", j)
                chars.append(_ESCAPES[escaped])
                j += 2
                continue
            chars.append(char)
            j += 1
        self.tokens.append(Token(STRING, text[i : j + 1], i, "".join(chars)))
        return j + 1
