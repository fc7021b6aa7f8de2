"""Go's ``%q`` formatting, for messages that must read exactly as the CLI prints them.

``strconv.Quote`` (a string) and ``strconv.QuoteRune`` (what ``%q`` does with a byte or a
rune): printable characters as they are, the C escapes for ``\\a \\b \\f \\n \\r \\t \\v``,
``\\xNN`` below 0x80 and ``\\uNNNN``/``\\UNNNNNNNN`` above for the rest. Printability follows
Go's ``unicode.IsPrint`` (the ASCII space is the only printable space), which Python's
``str.isprintable`` matches closely enough for the characters a path or name can hold.
"""

from __future__ import annotations

_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_ESCAPES["\v"] = "\\v"


def _char(char: str, quote: str) -> str:
    if char in (quote, "\\"):
        return "\\" + char
    if char in _ESCAPES:
        return _ESCAPES[char]
    if char == " " or char.isprintable():
        return char
    code = ord(char)
    if code < 0x80:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def quote(text: str) -> str:
    """``strconv.Quote``: the Go string literal of ``text``."""
    return '"' + "".join(_char(c, '"') for c in text) + '"'


def quote_rune(code: int) -> str:
    """``strconv.QuoteRune`` (``%q`` of a byte or rune value)."""
    return "'" + _char(chr(code), "'") + "'"
