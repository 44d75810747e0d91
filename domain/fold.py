"""Folding text for comparison: one rule for duplicate keys, search and text sorts.

``fold("  Bjørn  Ødegård ")`` is ``"bjorn odegard"``: transliterated to ASCII (anyascii: ø, æ, ß,
ł, which Unicode decomposition leaves alone, and accents alike), case folded, white space
trimmed and collapsed. Keys are stored in columns (``name_key``, ``title_key``) kept by every
write, so that SQLite, whose ``lower()`` and ``LIKE`` fold ASCII only, and PostgreSQL search and
sort them the same way, byte for byte.
"""

from __future__ import annotations

from anyascii import anyascii

# As long as the key columns; longer keys are cut the same way on both sides of a comparison.
KEY_LENGTH = 255


def fold(text: str | None) -> str:
    """``text`` as it is compared: ASCII, case folded, white space collapsed."""
    return " ".join(anyascii(text or "").casefold().split())


def fold_key(text: str | None) -> str:
    """:func:`fold`, cut to the length of a key column."""
    return fold(text)[:KEY_LENGTH]


def key_pattern(text: str) -> str:
    """A LIKE pattern (ESCAPE '\\') matching the folded ``text`` anywhere in a folded column."""
    escaped = fold(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
