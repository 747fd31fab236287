"""Text for the Linux console: its built-in font has no en dash, ellipsis or arrows, and a
missing glyph shows as a box. Messages from the core may carry them; the wizard shows ASCII."""

from __future__ import annotations

_ASCII = {"\u2013": "-", "\u2014": "-", "\u2026": "...", "\u2192": "->", "\u2190": "<-", "\u2264": "<=",
          "\u2265": ">=", "\u2260": "!=", "\u00d7": "x", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'}
_TABLE = str.maketrans(_ASCII)


def console_text(text: str) -> str:
    return text.translate(_TABLE)
