"""Live view of a demo run on standard error.

On a terminal: a progress bar of sample time and a compact table of the latest heart
rate, HRV, breathing, EDA, stress, emotion and calendar proposals (rich ``Live``).
Elsewhere (CI logs, pipes): one plain line per twelfth of the run.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from types import TracebackType
from typing import Any

from rich.console import Console, Group
from rich.live import Live
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from heartmind.events import CalendarChange
from heartmind.session import Session

from ._series import DemoSeries

__all__ = ["LiveView", "describe_change"]

_VERB = {"move": "moved", "insert_break": "break", "suggest": "suggest"}


def _hm(iso_time: str, tz: tzinfo) -> str:
    if not iso_time:
        return "?"
    return datetime.fromisoformat(iso_time.replace("Z", "+00:00")).astimezone(tz).strftime("%H:%M")


def describe_change(change: CalendarChange, tz: tzinfo) -> str:
    """One short line, e.g. ``moved code-review-2026 11:00-12:00 -> 17:00-18:00``."""
    what = change.summary or change.uid.split("@")[0]
    new = f"{_hm(change.new_start, tz)}-{_hm(change.new_end, tz)}" if change.new_start else ""
    if change.action == "insert_break":
        return f"break    + {new}"
    old = f"{_hm(change.old_start, tz)}-{_hm(change.old_end, tz)}"
    if change.action == "suggest":
        return f"suggest  {what} {old} (free slot {new or 'none'})"
    return f"{_VERB.get(change.action, change.action):<8} {what} {old} -> {new}"


class LiveView:
    """Progress and latest values of a running demo session.

    Parameters
    ----------
    console
        Where to draw (standard error).
    session
        The session (its ``elapsed`` and ``duration`` in s drive the bar).
    series
        The subscriber holding the latest values.
    tz
        Zone the wall-clock times are shown in (the calendar's).
    """

    def __init__(self, console: Console, session: Session, series: DemoSeries, tz: tzinfo):
        self.console = console
        self.session = session
        self.series = series
        self.tz = tz
        self.duration = float(session.duration or 0.0)
        self._next_line = 0.0
        self._progress = Progress(
            TextColumn("[bold]simulated day"),
            BarColumn(),
            TextColumn("{task.completed:,.0f}/{task.total:,.0f} s"),
            TextColumn("[cyan]{task.fields[speed]}"),
            TimeElapsedColumn(),
            console=console,
        )
        self._task = self._progress.add_task("run", total=self.duration, speed="")
        self._live: Live | None = None
        self._wall0 = datetime.now()

    def __enter__(self) -> LiveView:
        self._wall0 = datetime.now()
        if self.console.is_terminal:
            self._live = Live(self._render(), console=self.console, refresh_per_second=4)
            self._live.start()
        return self

    def update(self) -> None:
        """Refresh (terminal) or print a line when the next twelfth is reached."""
        done = min(self.session.elapsed, self.duration)
        if self._live is not None:
            wall = (datetime.now() - self._wall0).total_seconds()
            speed = f"{done / wall:,.0f}× real time" if wall > 0.5 else ""
            self._progress.update(self._task, completed=done, speed=speed)
            self._live.update(self._render())
        elif done >= self._next_line:
            self.console.print(self.line(), highlight=False, soft_wrap=True)
            self._next_line = done + max(self.duration / 12.0, 10.0)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._live is not None:
            self.update()
            self._live.stop()

    # ------------------------------------------------------------------ rendering

    def _clock(self) -> str:
        clock = self.session.clock
        return datetime.fromtimestamp(clock.to_utc(clock.now()), self.tz).strftime("%H:%M:%S")

    def _values(self) -> dict[str, str]:
        latest: dict[str, Any] = self.series.latest
        out = {
            "time": self._clock(),
            "HR": _fmt(latest.get("hr"), "{:.0f} bpm"),
            "RMSSD": _fmt(latest.get("rmssd"), "{:.0f} ms"),
            "breathing": _fmt(latest.get("rsp"), "{:.1f} /min"),
            "EDA": _fmt(latest.get("eda"), "{:.2f} µS"),
            "stress": "-",
            "valence/arousal": "-",
        }
        if "stress" in latest:
            level, label = latest["stress"]
            out["stress"] = f"{level:.2f} {label}"
        if "emotion" in latest:
            out["valence/arousal"] = "{:+.2f} / {:+.2f}".format(*latest["emotion"])
        return out

    def line(self) -> str:
        """The plain-text status line (non-terminal output)."""
        done = min(self.session.elapsed, self.duration)
        values = "  ".join(f"{k} {v}" for k, v in self._values().items())
        n = len(self.series.changes)
        return f"[{done:7,.0f}/{self.duration:,.0f} s] {values}  calendar changes {n}"

    def _render(self) -> Group:
        values = self._values()
        table = Table(box=None, pad_edge=False, header_style="bold")
        for key in values:
            table.add_column(key, justify="right" if key != "time" else "left")
        stress = values["stress"]
        style = "red" if "high" in stress else ("yellow" if "moderate" in stress else "")
        row = list(values.values())
        row[list(values).index("stress")] = f"[{style}]{stress}[/]" if style else stress
        table.add_row(*row)
        changes = [
            Text.assemble("  ", ("calendar ", "magenta"), describe_change(c, self.tz))
            for c in self.series.changes[-4:]
        ]
        if not changes:
            changes = [Text("  calendar: no proposals yet", style="dim")]
        return Group(self._progress, table, *changes)


def _fmt(value: float | None, pattern: str) -> str:
    return "-" if value is None else pattern.format(value)
