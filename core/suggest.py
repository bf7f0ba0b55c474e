"""Did you mean …? The known names closest to a misspelled one, for error messages."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["closest", "did_you_mean"]


def _normal(name: str) -> str:
    return name.lower().replace("-", "_").replace(" ", "_")


def closest(name: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """The known names closest to ``name``, best first (at most ``n``; may be empty).

    Case, ``-`` and ``_`` are ignored when comparing: ``"heart-rate"`` finds only
    ``"heart_rate"``, which differs from it in nothing else.
    """
    known = sorted(set(candidates))
    by_normal: dict[str, list[str]] = {}
    for candidate in known:
        by_normal.setdefault(_normal(candidate), []).append(candidate)
    exact = by_normal.get(_normal(name))
    if exact:  # the same name but for case, "-" and "_": nothing else is as likely
        return exact[:n]
    out: list[str] = []
    for key in difflib.get_close_matches(_normal(name), list(by_normal), n=n, cutoff=0.6):
        out.extend(by_normal[key])
    return out[:n]


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """``" Did you mean 'x'?"`` (or ``'x' or 'y'``), or ``""`` when nothing is close."""
    found = closest(name, candidates)
    if not found:
        return ""
    return f" Did you mean {' or '.join(repr(c) for c in found)}?"
