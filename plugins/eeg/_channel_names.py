"""10–20 / 10–10 channel names: case-insensitive matching, old names (T3/T4/T5/T6) mapped."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["OLD_TO_NEW", "find_channel", "standard_name"]

#: Old 10–20 names and their 10–10 equivalents (Oostenveld & Praamstra 2001).
OLD_TO_NEW: dict[str, str] = {"T3": "T7", "T4": "T8", "T5": "P7", "T6": "P8"}


def standard_name(name: str) -> str:
    """Canonical 10–10 spelling of ``name``: ``"fp1"`` → ``"Fp1"``, ``"t3"`` → ``"T7"``.

    Leading ``"EEG "`` and trailing reference suffixes (``"-REF"``, ``"-A1"``, ``"-LE"``)
    are removed. Names that are not 10–20 style are returned stripped but unchanged.
    """
    n = name.strip()
    if n.upper().startswith("EEG "):
        n = n[4:].strip()
    for suffix in ("-REF", "-A1", "-A2", "-LE", "-M1", "-M2", "-AVG"):
        if n.upper().endswith(suffix):
            n = n[: -len(suffix)]
    upper = n.upper()
    if upper in OLD_TO_NEW:
        return OLD_TO_NEW[upper]
    if not upper or not upper[0].isalpha():
        return n
    letters = upper.rstrip("0123456789Z") or upper
    rest = upper[len(letters) :]
    head = letters[0] + letters[1:].lower() if len(letters) > 1 else letters
    if letters in ("FP", "AF", "FC", "FT", "CP", "TP", "PO"):
        head = letters[0] + letters[1].lower() if letters == "FP" else letters
    return head + rest.lower() if rest.upper() == "Z" else head + rest


def find_channel(channels: Sequence[str], name: str) -> int | None:
    """Index of ``name`` in ``channels`` after normalising both; ``None`` if absent."""
    want = standard_name(name)
    for i, ch in enumerate(channels):
        if standard_name(ch) == want:
            return i
    return None
