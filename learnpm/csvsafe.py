"""CSV cells that are safe to open in a spreadsheet (shared by every export)."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Neutralize spreadsheet formulas: text starting with = + - @ (or a tab or CR) gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
