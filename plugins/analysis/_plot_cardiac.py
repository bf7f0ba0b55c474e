"""PNG plots of the cardiac results of an analysis (matplotlib, Agg): ECG, heart rate, HRV.

Per ECG stream: ``<stream>_ecg_excerpts.png`` (first 30 s and the worst-quality 30 s,
R-peaks marked, unusable windows shaded), ``<stream>_ecg_overview.png`` (the whole
recording as a min/max envelope with the quality index), ``<stream>_heart_rate.png`` and
``<stream>_hrv.png`` (tachogram, Poincaré plot, HRV over time). Other modalities: see
:mod:`._plot_physio`; which plots a report has: :mod:`._plot_report`. Event times are s
since the recording start.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np

from heartmind.io import Track

from ._collect import Columns, EventCollector
from ._plot_helpers import (
    EXCERPT,
    TimeAxis,
    envelope,
    excerpt,
    figure,
    safe_name,
    save,
    shade_unusable,
    unit_of,
    worst_window,
)
from ._summary import beat_intervals

__all__ = ["plot_ecg", "plot_heart_rate", "plot_hrv"]

log = logging.getLogger(__name__)


def _beats_marks(ax: Any, beats: Columns | None, t: np.ndarray, x: np.ndarray) -> None:
    """Mark the beats within the excerpt ``t`` (s) on the signal ``x``."""
    if beats is None or t.size == 0:
        return
    bt = beats.t()
    usable = beats.get("usable") > 0.5
    sel = (bt >= t[0]) & (bt <= t[-1])
    idx = np.clip(np.searchsorted(t, bt[sel]), 0, t.size - 1)
    ok = usable[sel]
    ax.plot(t[idx[ok]], x[idx[ok]], "v", color="tab:green", ms=6, label="R-peak (usable)")
    if (~ok).any():
        ax.plot(t[idx[~ok]], x[idx[~ok]], "x", color="tab:red", ms=7, label="R-peak (unusable)")


def plot_ecg(track: Track, c: EventCollector, origin: float, out: Path) -> list[Path]:
    """ECG excerpts with R-peaks and quality shading, and the whole-recording overview."""
    name = track.info.name
    beats, quality = c.find("heart_beat", name), c.find("signal_quality", name)
    span, unit = track.duration, unit_of(track)
    starts = [("first 30 s", 0.0)]
    worst = worst_window(quality, span)
    if worst is not None:
        starts.append((f"worst-quality 30 s (from {worst:.0f} s)", worst))
    fig, axes = figure(len(starts), height=3.2)
    for ax, (title, start) in zip(axes[:, 0], starts, strict=True):
        t, x = excerpt(track, origin, start)
        ax.plot(t, x, color="black", lw=0.7, label=f"ECG ({track.info.channels[0]})")
        _beats_marks(ax, beats, t, x)
        if shade_unusable(ax, quality, TimeAxis(0), start, start + EXCERPT):
            ax.axvspan(np.nan, np.nan, color="tab:red", alpha=0.15, label="unusable window")
        ax.set(title=f"{name}: {title}", xlabel="time since recording start (s)",
               ylabel=f"ECG ({unit})")  # fmt: skip
        ax.legend(loc="upper right", fontsize=8)
        ax.grid(alpha=0.3)
    files = [save(fig, out / f"{safe_name(name)}_ecg_excerpts.png")]
    files.append(_overview(track, quality, origin, out, unit))
    return files


def _overview(track: Track, quality: Columns | None, origin: float, out: Path, unit: str) -> Path:
    name = track.info.name
    tx = TimeAxis(track.duration)
    fig, axes = figure(2, height=3.0)
    t, lo, hi = envelope(track, origin)
    ax = axes[0, 0]
    ax.fill_between(tx(t), lo, hi, color="black", lw=0, step="post", label="ECG min–max")
    if shade_unusable(ax, quality, tx, 0.0, track.duration):
        ax.axvspan(np.nan, np.nan, color="tab:red", alpha=0.15, label="unusable window")
    ax.set(title=f"{name}: whole recording (min/max per {_bin(t):.2g} s bin)",
           xlabel=tx.label, ylabel=f"ECG ({unit})")  # fmt: skip
    ax.legend(loc="upper right", fontsize=8)
    ax = axes[1, 0]
    if quality is not None and len(quality):
        ax.plot(tx(quality.t()), quality.get("quality"), lw=0.8, label="quality index")
        ax.axhline(0.5, color="tab:red", ls="--", lw=0.8, label="usable threshold (0.5)")
        ax.legend(loc="lower right", fontsize=8)
    ax.set(title="signal quality per window", xlabel=tx.label, ylabel="quality (0–1)",
           ylim=(-0.02, 1.05), xlim=axes[0, 0].get_xlim())  # fmt: skip
    ax.grid(alpha=0.3)
    return save(fig, out / f"{safe_name(name)}_ecg_overview.png")


def _bin(t: np.ndarray) -> float:
    return float(t[1] - t[0]) if t.size > 1 else 0.0


def plot_heart_rate(track: Track, c: EventCollector, out: Path) -> list[Path]:
    """Heart-rate trend: the ``HeartRate`` events and the beat-to-beat rate."""
    name = track.info.name
    rate, beats = c.find("heart_rate", name), c.find("heart_beat", name)
    if rate is None and beats is None:
        return []
    tx = TimeAxis(track.duration)
    fig, axes = figure(1, height=3.6)
    ax = axes[0, 0]
    if beats is not None and len(beats) > 1:
        t, rr = beat_intervals(beats)
        ok = np.isfinite(rr)
        ax.plot(tx(t[ok]), 60000.0 / rr[ok], ".", ms=1.5, color="tab:gray", alpha=0.5,
                label="beat-to-beat (60/RR)", rasterized=True)  # fmt: skip
    if rate is not None and len(rate):
        ax.plot(tx(rate.t()), rate.get("bpm"), color="tab:red", lw=1.0,
                label=f"heart rate ({rate.get('window')[0]:.0f}-s window)")  # fmt: skip
    ax.set(title=f"{name}: heart rate", xlabel=tx.label, ylabel="heart rate (bpm)")
    ax.legend(loc="upper right", fontsize=8)
    ax.grid(alpha=0.3)
    return [save(fig, out / f"{safe_name(name)}_heart_rate.png")]


def plot_hrv(track: Track, c: EventCollector, out: Path) -> list[Path]:
    """Tachogram, Poincaré plot (SD1/SD2 ellipse) and HRV over time."""
    name = track.info.name
    beats = c.find("heart_beat", name)
    if beats is None or len(beats) < 12:
        return []
    t, rr = beat_intervals(beats)
    tx = TimeAxis(track.duration)
    fig = figure(1, height=1.0)[0]
    fig.clf()
    fig.set_size_inches(12, 7.5)
    grid = fig.add_gridspec(2, 2, width_ratios=(2, 1))
    ok = np.isfinite(rr)
    ax = fig.add_subplot(grid[0, 0])
    ax.plot(tx(t[ok]), rr[ok], lw=0.5, color="tab:blue", label="NN interval", rasterized=True)
    ax.set(title=f"{name}: NN intervals (tachogram)", xlabel=tx.label, ylabel="NN (ms)")
    ax.legend(loc="upper right", fontsize=8)
    ax.grid(alpha=0.3)
    _hrv_trend(fig.add_subplot(grid[1, 0]), c.find("hrv", name, "hrv"), tx)
    _poincare(fig.add_subplot(grid[:, 1]), rr)
    return [save(fig, out / f"{safe_name(name)}_hrv.png")]


def _hrv_trend(ax: Any, hrv: Columns | None, tx: TimeAxis) -> None:
    if hrv is not None and len(hrv):
        t = tx(hrv.t())
        ax.plot(t, hrv.get("sdnn"), "-o", ms=2, lw=1, label="SDNN (ms)")
        ax.plot(t, hrv.get("rmssd"), "-o", ms=2, lw=1, label="RMSSD (ms)")
        ax.legend(loc="upper right", fontsize=8)
        title = f"HRV over sliding {hrv.get('window').max():.0f}-s windows"
    else:
        title = "HRV over time (no window with enough beats)"
    ax.set(title=title, xlabel=tx.label, ylabel="ms")
    ax.grid(alpha=0.3)


def _poincare(ax: Any, rr: np.ndarray) -> None:
    from matplotlib.patches import Ellipse

    pair = np.column_stack([rr[:-1], rr[1:]])
    pair = pair[np.isfinite(pair).all(axis=1)]
    ax.plot(pair[:, 0], pair[:, 1], ".", ms=2, alpha=0.4, color="tab:blue",
            label=f"successive NN pairs (n={len(pair)})", rasterized=True)  # fmt: skip
    if len(pair) > 2:
        sd1 = float(np.std((pair[:, 0] - pair[:, 1]) / np.sqrt(2), ddof=1))
        sd2 = float(np.std((pair[:, 0] + pair[:, 1]) / np.sqrt(2), ddof=1))
        m = float(np.mean(pair))
        ax.add_patch(Ellipse((m, m), 4 * sd2, 4 * sd1, angle=45, fill=False, color="tab:red",
                             lw=1.5, label=f"SD1 = {sd1:.1f} ms, SD2 = {sd2:.1f} ms"))  # fmt: skip
        lo, hi = np.percentile(pair, [0.5, 99.5])
        pad = 0.1 * (hi - lo) + 10
        ax.set_xlim(lo - pad, hi + pad)
        ax.set_ylim(lo - pad, hi + pad)
    ax.set_aspect("equal", adjustable="box")
    ax.set(title="Poincaré plot", xlabel="NN$_i$ (ms)", ylabel="NN$_{i+1}$ (ms)")
    ax.legend(loc="upper left", fontsize=8)
    ax.grid(alpha=0.3)
