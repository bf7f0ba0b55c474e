"""The demo's one-page figure (``demo.png``).

Heart rate, HRV (RMSSD), stress and emotion over the simulated day on a shared clock axis
(the calendar's zone), the scripted stress episode shaded, the moment the calendar
processor proposed its changes marked; below, the calendar before and after the proposal
(moved events, inserted breaks, suggestions).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

import numpy as np

from heartmind.adapters.calendar.api import Item
from heartmind.extras import require

from ._calendar_replay import CalendarOutcome, items_of
from ._series import DemoSeries, Series

__all__ = ["FigureInputs", "render_png"]

_EPISODE = "#d62728"
_CHANGE = "#9467bd"


@dataclass(frozen=True)
class FigureInputs:
    """Everything the figure shows.

    Attributes
    ----------
    series
        Series collected during the run (session time, s).
    utc_offset
        Session time 0 in s since the Unix epoch.
    episodes
        Scripted high-stress phases as ``(start, end, name)``, session time in s.
    outcome
        The proposed calendar and its plan (``None``: no calendar panel content).
    title
        Figure title.
    footer
        Small print at the bottom (pipeline, speed).
    """

    series: DemoSeries
    utc_offset: float
    episodes: Sequence[tuple[float, float, str]]
    outcome: CalendarOutcome | None
    title: str
    footer: str


def _dates(series: Series, offset: float, tz: tzinfo) -> tuple[list[datetime], np.ndarray]:
    if not series:
        return [], np.empty((0, 0))
    arr = np.asarray(series, dtype=float)
    when = [datetime.fromtimestamp(t + offset, tz) for t in arr[:, 0]]
    return when, arr[:, 1:]


def _smooth(values: np.ndarray, n: int) -> np.ndarray:
    """Centred moving average over ``n`` samples (edges: shorter windows)."""
    if len(values) < n or n <= 1:
        return values
    kernel = np.ones(n)
    return np.convolve(values, kernel, "same") / np.convolve(np.ones_like(values), kernel, "same")


def render_png(inputs: FigureInputs, tz: tzinfo) -> bytes:
    """Render the figure; returns PNG bytes (A4-like portrait, 150 dpi).

    Raises
    ------
    MissingExtraError
        If matplotlib (extra ``plots``) is not installed.
    """
    require("matplotlib", "the demo figure")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8.27, 11.69), dpi=150, layout="constrained")
    grid = fig.add_gridspec(5, 1, height_ratios=[1, 0.9, 1.1, 0.9, 1.4])
    axes = [fig.add_subplot(grid[0])]
    axes += [fig.add_subplot(grid[i], sharex=axes[0]) for i in range(1, 4)]
    tl, off = inputs.series, inputs.utc_offset
    _heart(axes[0], tl, off, tz)
    _hrv(axes[1], tl, off, tz)
    _stress(axes[2], tl, off, tz, inputs.outcome)
    _emotion(axes[3], tl, off, tz)
    for ax in axes:
        _marks(ax, inputs, tz)
        ax.grid(alpha=0.3)
    _heart_legend(axes[0], inputs, tz)
    _time_axis(axes[3], tz)
    for ax in axes[:3]:
        ax.tick_params(labelbottom=False)
    _calendar(fig.add_subplot(grid[4]), inputs, tz)
    fig.suptitle(inputs.title, fontsize=12, fontweight="bold")
    fig.supxlabel(inputs.footer, fontsize=6.5, color="0.35")
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _time_axis(ax: Any, tz: tzinfo) -> None:
    import matplotlib.dates as mdates

    dates: Any = mdates  # matplotlib.dates has untyped constructors
    ax.xaxis.set_major_locator(dates.HourLocator(tz=tz))
    ax.xaxis.set_minor_locator(dates.MinuteLocator(byminute=[15, 30, 45], tz=tz))
    ax.xaxis.set_major_formatter(dates.DateFormatter("%H:%M", tz=tz))
    ax.set_xlabel(f"local time ({tz})")


def _heart(ax: Any, tl: DemoSeries, off: float, tz: tzinfo) -> None:
    when, v = _dates(tl.heart_rate, off, tz)
    if when:
        ax.plot(when, v[:, 0], color="0.75", lw=0.4, label="ECG heart rate (10-s window)")
        ax.plot(when, _smooth(v[:, 0], 60), color="#1f77b4", lw=1.4, label="1-min mean")
    when, v = _dates(tl.pulse_rate, off, tz)
    if when:
        ax.plot(
            when,
            _smooth(v[:, 0], 60),
            color="#ff7f0e",
            lw=0.9,
            ls="--",
            label="PPG pulse rate, 1-min mean",
        )
    ax.set_ylabel("heart rate (bpm)")


def _hrv(ax: Any, tl: DemoSeries, off: float, tz: tzinfo) -> None:
    when, v = _dates(tl.rmssd, off, tz)
    if when:
        ax.plot(
            when,
            v[:, 0],
            color="#2ca02c",
            lw=1.2,
            marker=".",
            ms=2,
            label="RMSSD of the ECG beats (5-min window)",
        )
    ax.set_ylabel("HRV: RMSSD (ms)")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", fontsize=7)


def _stress(
    ax: Any, tl: DemoSeries, off: float, tz: tzinfo, outcome: CalendarOutcome | None
) -> None:
    styles = {
        "heart": ("#8c564b", 0.8, "heart (HRV + EDA)"),
        "behaviour": ("#7f7f7f", 0.8, "keyboard/mouse"),
        "fused": ("#d62728", 1.8, "fused (feeds the calendar)"),
    }
    for kind, (color, lw, label) in styles.items():
        when, v = _dates(tl.stress.get(kind, []), off, tz)
        if when:
            ax.plot(when, v[:, 0], color=color, lw=lw, label=label)
    if outcome is not None:
        opts = outcome.result.options
        for level, name, style in ((opts.enter, "enter", "--"), (opts.leave, "leave", ":")):
            ax.axhline(level, color="k", lw=0.7, ls=style)
            ax.text(
                1.0,
                level,
                f" {name} {level:g}",
                transform=ax.get_yaxis_transform(),
                fontsize=6.5,
                va="center",
            )
    ax.set_ylim(-0.02, 1.05)
    ax.set_ylabel("stress level (0-1)")
    ax.legend(loc="upper left", fontsize=7, ncol=3)


def _emotion(ax: Any, tl: DemoSeries, off: float, tz: tzinfo) -> None:
    when, v = _dates(tl.emotion, off, tz)
    if when:
        ax.plot(when, _smooth(v[:, 0], 30), color="#17becf", lw=1.3, label="valence")
        ax.plot(when, _smooth(v[:, 1], 30), color="#e377c2", lw=1.3, label="arousal")
    ax.axhline(0.0, color="0.5", lw=0.6)
    ax.set_ylim(-1.05, 1.05)
    ax.set_ylabel("emotion (-1 to +1)")
    ax.legend(
        loc="upper left", fontsize=7, ncol=2, title="fused, 30-sample mean", title_fontsize=6.5
    )


def _marks(ax: Any, inputs: FigureInputs, tz: tzinfo) -> None:
    off = inputs.utc_offset
    for start, end, _ in inputs.episodes:
        a, b = (datetime.fromtimestamp(t + off, tz) for t in (start, end))
        ax.axvspan(a, b, color=_EPISODE, alpha=0.10, lw=0)
    if inputs.series.changes:
        first = inputs.series.changes[0]
        ax.axvline(
            datetime.fromtimestamp(first.timestamp + off, tz), color=_CHANGE, lw=1.2, ls="-."
        )


def _heart_legend(ax: Any, inputs: FigureInputs, tz: tzinfo) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles, labels = ax.get_legend_handles_labels()
    for _, _, name in inputs.episodes[:1]:
        handles.append(Patch(color=_EPISODE, alpha=0.15))
        labels.append(f"scripted stress episode ({name})")
    if inputs.series.changes:
        first = inputs.series.changes[0]
        when = datetime.fromtimestamp(first.timestamp + inputs.utc_offset, tz)
        handles.append(Line2D([], [], color=_CHANGE, lw=1.2, ls="-."))
        labels.append(f"calendar proposes changes ({when:%H:%M})")
    ax.legend(handles, labels, loc="upper left", fontsize=6.5, ncol=2)
    low, high = ax.get_ylim()
    ax.set_ylim(low, high + 0.45 * (high - low))  # room for the legend


def _calendar(ax: Any, inputs: FigureInputs, tz: tzinfo) -> None:
    ax.set_title("calendar, Tue 24 Nov 2026", fontsize=9, loc="left")
    outcome = inputs.outcome
    if outcome is None:
        ax.set_axis_off()
        return
    day = outcome.now.astimezone(tz).replace(hour=8, minute=0, second=0, microsecond=0)
    span = (day, day + timedelta(hours=11))
    before = [it for it in items_of(outcome.original, outcome, tz).values() if _shown(it, span)]
    after = [it for it in items_of(outcome.result.data, outcome, tz).values() if _shown(it, span)]
    changed = {c.key: c for c in outcome.result.plan.changes}
    _lane(ax, before, 1.0, changed)
    _lane(ax, after, 0.0, changed)
    for c in outcome.result.plan.changes:
        if c.action == "move" and c.old_start and c.new_start and c.old_end and c.new_end:
            ax.annotate(
                "",
                xy=(c.new_start + (c.new_end - c.new_start) / 2, 0.36),
                xytext=(c.old_start + (c.old_end - c.old_start) / 2, 0.64),
                arrowprops={
                    "arrowstyle": "->",
                    "color": _CHANGE,
                    "lw": 1.3,
                    "connectionstyle": "arc3,rad=0.08",
                },
            )
    off = inputs.utc_offset
    for start, end, _ in inputs.episodes:
        a, b = (datetime.fromtimestamp(t + off, tz) for t in (start, end))
        ax.axvspan(a, b, color=_EPISODE, alpha=0.10, lw=0)
    ax.axvline(outcome.now, color=_CHANGE, lw=1.2, ls="-.")
    ax.set_xlim(*span)
    ax.set_ylim(-0.45, 2.0)
    ax.set_yticks([1.0, 0.0], ["before", "proposed"])
    _time_axis(ax, tz)
    ax.grid(axis="x", alpha=0.3)
    _legend_text(ax, outcome, tz)


def _shown(it: Item, span: tuple[datetime, datetime]) -> bool:
    return not it.all_day and it.busy and it.end > span[0] and it.start < span[1]


def _lane(ax: Any, items: list[Item], y: float, changed: dict[Any, Any]) -> None:
    for it in items:
        change = changed.get(it.key)
        color = "#c7c7c7"
        if change is not None and change.action == "move":
            color = _CHANGE
        elif it.is_break:
            color = "#2ca02c"
        elif change is not None and change.action == "suggest":
            color = "#ffbb78"
        ax.barh(
            y, it.end - it.start, left=it.start, height=0.72, color=color, edgecolor="0.3", lw=0.5
        )
        narrow = it.end - it.start < timedelta(minutes=50)
        limit = 15 if narrow else 22
        text = it.summary if len(it.summary) <= limit else it.summary[: limit - 1] + "…"
        ax.text(
            it.start + (it.end - it.start) / 2,
            y,
            text,
            ha="center",
            va="center",
            fontsize=5.5,
            rotation=90 if narrow else 0,
        )


def _legend_text(ax: Any, outcome: CalendarOutcome, tz: tzinfo) -> None:
    def hm(m: datetime | None) -> str:
        return m.astimezone(tz).strftime("%H:%M") if m else "?"

    lines = []
    for c in outcome.result.plan.changes:
        if c.action == "move":
            lines.append(f"moved: {c.summary} {hm(c.old_start)} → {hm(c.new_start)}")
        elif c.action == "insert_break":
            lines.append(f"break inserted {hm(c.new_start)}–{hm(c.new_end)}")
        else:
            lines.append(f"suggested: {c.summary} → free slot {hm(c.new_start)}")
    ax.text(
        0.995,
        0.98,
        "\n".join(lines) or "no changes",
        transform=ax.transAxes,
        fontsize=6.5,
        ha="right",
        va="top",
        bbox={"boxstyle": "round", "fc": "white", "ec": "0.7", "alpha": 0.9},
    )
    from matplotlib.patches import Patch

    kinds = [
        ("#c7c7c7", "unchanged"),
        (_CHANGE, "moved"),
        ("#2ca02c", "inserted break"),
        ("#ffbb78", "suggestion"),
    ]
    ax.legend(
        [Patch(color=c, ec="0.3") for c, _ in kinds],
        [k for _, k in kinds],
        loc="lower right",
        bbox_to_anchor=(1.0, 1.0),
        fontsize=6,
        ncol=4,
        frameon=False,
    )
