"""PNG plots of the non-cardiac modalities: PPG pulses, EDA, respiration, EEG bands, radar
(ECG, heart rate and HRV: :mod:`._plot_cardiac`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from heartmind.io import Track

from ._collect import Columns, EventCollector
from ._plot_helpers import TimeAxis, envelope, excerpt, figure, mean_over, safe_name, save, unit_of

__all__ = ["plot_eda", "plot_eeg", "plot_ppg", "plot_radar", "plot_rsp"]


def _finish(ax: Any, title: str, xlabel: str, ylabel: str) -> None:
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    handles, _ = ax.get_legend_handles_labels()
    if handles:
        ax.legend(loc="upper right", fontsize=8)
    ax.grid(alpha=0.3)


def _trend(ax: Any, col: Columns | None, field: str, tx: TimeAxis, label: str) -> None:
    if col is not None and len(col):
        ax.plot(tx(col.t()), col.get(field), lw=1.0, label=label)


def plot_ppg(track: Track, c: EventCollector, origin: float, out: Path) -> list[Path]:
    """The first 30 s of PPG with the detected pulses."""
    name = track.info.name
    beats = c.find("heart_beat", name)
    fig, axes = figure(1, height=3.4)
    ax = axes[0, 0]
    t, x = excerpt(track, origin, 0.0)
    ax.plot(t, x, color="black", lw=0.8, label="PPG")
    if beats is not None and t.size:
        bt = beats.t()
        bt = bt[(bt >= t[0]) & (bt <= t[-1])]
        idx = np.clip(np.searchsorted(t, bt), 0, t.size - 1)
        ax.plot(t[idx], x[idx], "^", color="tab:green", ms=6, label="detected pulse")
    _finish(ax, f"{name}: first 30 s with detected pulses", "time since recording start (s)",
            f"PPG ({unit_of(track)})")  # fmt: skip
    return [save(fig, out / f"{safe_name(name)}_ppg_pulses.png")]


def plot_eda(track: Track, c: EventCollector, origin: float, out: Path) -> list[Path]:
    """Raw EDA, tonic (SCL) and phasic components, and the SCRs."""
    name = track.info.name
    tx = TimeAxis(track.duration)
    sc, scr = c.find("skin_conductance", name), c.find("scr", name)
    fig, axes = figure(2, height=3.2)
    ax = axes[0, 0]
    t, lo, hi = envelope(track, origin)
    ax.fill_between(tx(t), lo, hi, color="0.45", lw=0, label="EDA (raw, min–max)")
    _trend(ax, sc, "tonic", tx, "tonic (SCL)")
    _finish(ax, f"{name}: skin conductance", tx.label, f"EDA ({unit_of(track)})")
    ax = axes[1, 0]
    _trend(ax, sc, "phasic", tx, "phasic component")
    if scr is not None and len(scr):
        ax.vlines(tx(scr.t()), 0, scr.get("amplitude"), color="tab:red", lw=1.0,
                  label=f"SCR amplitude (n={len(scr)})")  # fmt: skip
    _finish(ax, "phasic activity and skin conductance responses", tx.label, "µS")
    return [save(fig, out / f"{safe_name(name)}_eda.png")]


def plot_rsp(track: Track, c: EventCollector, origin: float, out: Path) -> list[Path]:
    """A 60-s respiration excerpt and the breathing-rate trend."""
    name = track.info.name
    tx = TimeAxis(track.duration)
    fig, axes = figure(2, height=3.0)
    t, x = excerpt(track, origin, 0.0, 60.0)
    axes[0, 0].plot(t, x, color="black", lw=0.8, label="respiration signal")
    _finish(axes[0, 0], f"{name}: first 60 s", "time since recording start (s)",
            f"RSP ({unit_of(track)})")  # fmt: skip
    _trend(axes[1, 0], c.find("respiration_rate", name), "rate", tx, "breathing rate")
    _finish(axes[1, 0], "breathing rate", tx.label, "breaths/min")
    return [save(fig, out / f"{safe_name(name)}_respiration.png")]


def plot_eeg(track: Track, c: EventCollector, origin: float, out: Path) -> list[Path]:
    """Relative band powers (mean over channels) and frontal alpha asymmetry."""
    name = track.info.name
    tx = TimeAxis(track.duration)
    bp, faa = c.find("band_power", name), c.find("alpha_asymmetry", name)
    fig, axes = figure(2, height=3.0)
    ax = axes[0, 0]
    if bp is not None and len(bp):
        t = tx(bp.t())
        for band in ("theta", "alpha", "beta"):
            values = bp.other.get(f"relative_{band}")
            if values:
                ax.plot(t, mean_over(values), lw=1.0, label=f"relative {band}")
    _finish(ax, f"{name}: band power (mean over channels)", tx.label, "share of 1–45 Hz power")
    _trend(axes[1, 0], faa, "faa", tx, "FAA (F4−F3)")
    axes[1, 0].axhline(0.0, color="0.4", lw=0.8)
    _finish(axes[1, 0], "frontal alpha asymmetry", tx.label, "ln µV²")
    return [save(fig, out / f"{safe_name(name)}_eeg_bands.png")]


def plot_radar(track: Track, c: EventCollector, origin: float, out: Path) -> list[Path]:
    """Radar heart rate and breathing rate against time."""
    name = track.info.name
    tx = TimeAxis(track.duration)
    fig, axes = figure(2, height=3.0)
    _trend(axes[0, 0], c.find("heart_rate", name), "bpm", tx, "radar heart rate")
    _finish(axes[0, 0], f"{name}: heart rate from radar", tx.label, "heart rate (bpm)")
    _trend(axes[1, 0], c.find("respiration_rate", name), "rate", tx, "radar breathing rate")
    _finish(axes[1, 0], "breathing rate from radar", tx.label, "breaths/min")
    return [save(fig, out / f"{safe_name(name)}_radar.png")]
