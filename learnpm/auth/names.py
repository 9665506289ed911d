"""What a person's name may hold: it prints on certificates and goes into CSV exports."""

from __future__ import annotations

import unicodedata

NAME_MAX = 120
# Zero-width (non-)joiners belong in Persian, Indic and emoji spellings; every other format character
# (bidirectional overrides and isolates, zero-width spaces, soft hyphens) can disguise a name.
ALLOWED_FORMAT = {"\u200c", "\u200d"}
FORMULA_STARTS = ("=", "+", "-", "@")


def clean_name(raw: str) -> str:
    """Return the name in NFC with its whitespace (tabs and line breaks too) collapsed to single spaces."""
    return " ".join(unicodedata.normalize("NFC", raw).split())


def name_problem(name: str) -> str | None:
    """Return why a name is refused, or None."""
    if not name:
        return "Enter a name."
    if len(name) > NAME_MAX:
        return f"Use at most {NAME_MAX} characters for a name."
    for char in name:
        category = unicodedata.category(char)
        if category in ("Cc", "Cs", "Co", "Cn") or (category == "Cf" and char not in ALLOWED_FORMAT) \
                or category in ("Zl", "Zp"):
            return (f"The name holds an invisible or control character (U+{ord(char):04X}); "
                    "type it again without it.")
    if name.startswith(FORMULA_STARTS):
        return "A name cannot start with =, +, - or @ (spreadsheets read that as a formula)."
    return None
