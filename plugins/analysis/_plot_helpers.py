"""Helpers of every analysis plot (cardiac and physio): time axes, signal excerpts,
min/max envelopes, quality shading, creating and saving figures."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from heartmind.io import Track

from ._collect import Columns

__all__ = [
    "EXCERPT",
    "TimeAxis",
    "envelope",
    "excerpt",
    "figure",
    "save",
    "shade_unusable",
    "unit_of",
]

_F64 = npt.NDArray[np.float64]

#: Length of the signal excerpts in s.
EXCERPT = 30.0
#: Bins of a downsampled overview (about two per pixel column).
OVERVIEW_BINS = 3000


class TimeAxis:
    """Seconds since the recording start shown in s, min or h depending on the span."""

    def __init__(self, span: float) -> None:
        if span <= 600:
            self.scale, self.unit = 1.0, "s"
        elif span <= 3 * 3600:
            self.scale, self.unit = 60.0, "min"
        else:
            self.scale, self.unit = 3600.0, "h"

    def __call__(self, t: npt.ArrayLike) -> _F64:
        return np.asarray(t, dtype=np.float64) / self.scale

    @property
    def label(self) -> str:
        return f"time since recording start ({self.unit})"


def unit_of(track: Track, column: int = 0) -> str:
    """Unit of a channel for an axis label (``uV`` spelled ``µV``)."""
    units = track.info.units
    u = units if isinstance(units, str) else units[column]
    return {"uV": "µV", "uS": "µS"}.get(u, u) or "a.u."


def excerpt(
    track: Track, origin: float, start: float, length: float = EXCERPT
) -> tuple[_F64, _F64]:
    """Times (s since ``origin``) and first-channel samples of ``[start, start + length)``."""
    ts = track.timestamps
    a, b = np.searchsorted(ts, [origin + start, origin + start + length])
    return ts[a:b] - origin, np.asarray(track.data[a:b, 0], dtype=np.float64)


def envelope(track: Track, origin: float, bins: int = OVERVIEW_BINS) -> tuple[_F64, _F64, _F64]:
    """Bin times (s), minima and maxima of the first channel, downsampled to ``bins``."""
    x = track.data[:, 0]
    ts = track.timestamps
    k = max(1, x.shape[0] // bins)
    n = (x.shape[0] // k) * k
    if n == 0:
        return np.empty(0), np.empty(0), np.empty(0)
    blocks = x[:n].reshape(-1, k)
    t = ts[:n:k] - origin
    return t, blocks.min(axis=1).astype(np.float64), blocks.max(axis=1).astype(np.float64)


def shade_unusable(ax: Any, quality: Columns | None, tx: TimeAxis, lo: float, hi: float) -> bool:
    """Shade the quality windows flagged not usable within ``[lo, hi]`` s; True if any."""
    if quality is None or len(quality) == 0:
        return False
    end = quality.t()
    width = quality.get("window")
    bad = quality.get("usable") < 0.5
    sel = bad & (end > lo) & (end - width < hi)
    for e, w in zip(end[sel], width[sel], strict=True):
        ax.axvspan(tx(max(e - w, lo)), tx(min(e, hi)), color="tab:red", alpha=0.15, lw=0)
    return bool(sel.any())


def figure(rows: int, cols: int = 1, height: float = 3.0, width: float = 11.0) -> Any:
    """A new Agg figure with a grid of axes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(rows, cols, figsize=(width, height * rows), squeeze=False)
    return fig, axes


def save(fig: Any, path: Path) -> Path:
    """Save ``fig`` as PNG (100 dpi, mode 0600) and close it."""
    import matplotlib.pyplot as plt

    fig.tight_layout()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "wb") as f:
        fig.savefig(f, format="png", dpi=100)
    plt.close(fig)
    return path


def safe_name(name: str) -> str:
    """A file-name-safe version of a stream name."""
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)


def worst_window(quality: Columns | None, span: float, length: float = EXCERPT) -> float | None:
    """Start (s since the recording start) of the ``length``-s stretch of lowest mean
    quality, from the ``SignalQuality`` events; None without quality events."""
    if quality is None or len(quality) < 2 or span <= 2 * length:
        return None
    end = quality.t()
    q = quality.get("quality")
    step = float(np.median(np.diff(end))) if end.size > 1 else length
    k = max(1, round(length / step))
    if q.size < k:
        return None
    means = np.convolve(q, np.ones(k) / k, mode="valid")
    i = int(np.argmin(means))
    start = float(end[i + k - 1]) - length
    return min(max(start, 0.0), span - length)


def mean_over(values: Sequence[Sequence[float]]) -> _F64:
    """Mean over channels of per-channel tuples (one row per event)."""
    arr = np.asarray(values, dtype=np.float64)
    return arr.mean(axis=1) if arr.ndim == 2 and arr.size else np.empty(0)
