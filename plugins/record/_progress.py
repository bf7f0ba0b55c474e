"""Console output of ``heartmind record`` (live table) and ``heartmind info`` (rich tables)."""

from __future__ import annotations

import math
import time
from types import TracebackType
from typing import Any

from rich.console import Console
from rich.live import Live
from rich.table import Table

__all__ = ["RecordProgress", "print_info", "stream_table"]


def stream_table(sensor: Any, recorder: Any, rates: dict[str, float] | None = None) -> Table:
    """One row per stream: type, channels, nominal and measured rate, samples, drops, gaps."""
    table = Table(title=f"recording {recorder.path}", title_justify="left")
    for column in ("stream", "type", "ch", "Hz", "samples", "rate", "dropped", "gaps", "status"):
        table.add_column(column, justify="left" if column in ("stream", "status") else "right")
    written = recorder.progress()
    followed = sensor.stats()
    for name in sorted(set(written) | set(followed)):
        w = written.get(name, {})
        f = followed.get(name, {})
        rate = (rates or {}).get(name, math.nan)
        table.add_row(
            name,
            str(w.get("type", "")),
            str(w.get("channels", "")),
            f"{w['rate']:g}" if w.get("rate") else "-",
            f"{w.get('samples', 0):,}",
            "-" if math.isnan(rate) else f"{rate:,.1f}",
            f"{f.get('dropped_samples', 0):,}",
            str(w.get("gaps", 0)),
            str(f.get("status", "recorded")),
        )
    return table


class RecordProgress:
    """A live table on standard error (a terminal), or a line every 10 s (logs, pipes)."""

    def __init__(self, console: Console, sensor: Any, recorder: Any) -> None:
        self.console = console
        self.sensor = sensor
        self.recorder = recorder
        self._live: Live | None = None
        self._last: dict[str, int] = {}
        self._last_t = time.monotonic()
        self._rates: dict[str, float] = {}
        self._next_line = time.monotonic() + 10.0

    def __enter__(self) -> RecordProgress:
        if self.console.is_terminal:
            self._live = Live(console=self.console, refresh_per_second=2, transient=True)
            self._live.start()
        return self

    def update(self) -> None:
        """Measure rates since the previous update and refresh the display."""
        now = time.monotonic()
        written = self.recorder.progress()
        span = now - self._last_t
        if span >= 0.5:
            for name, w in written.items():
                before = self._last.get(name, w["samples"])
                self._rates[name] = (w["samples"] - before) / span
                self._last[name] = w["samples"]
            self._last_t = now
        if self._live is not None:
            self._live.update(stream_table(self.sensor, self.recorder, self._rates))
        elif now >= self._next_line:
            self._next_line = now + 10.0
            total = sum(w["samples"] for w in written.values())
            dropped = sum(s["dropped_samples"] for s in self.sensor.stats().values())
            self.console.print(
                f"recording: {len(written)} streams, {total:,} samples, {dropped:,} dropped",
                highlight=False,
            )

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._live is not None:
            self._live.stop()


def _num(value: Any, fmt: str = ",.3f") -> str:
    return "-" if value is None else format(value, fmt)


def print_info(info: dict[str, Any], console: Console | None = None) -> None:
    """Print an :func:`heartmind.xdf.xdf_info` summary as tables (standard output)."""
    if console is None:
        console = Console()
        if not console.is_terminal:  # pipes and files: no truncated names
            console = Console(width=200)
    header = info.get("file_header", {})
    console.print(
        f"[bold]{info['path']}[/bold]: {info['size_bytes'] / 1e6:,.2f} MB, "
        f"{info['n_chunks']:,} chunks, created {header.get('datetime', '?')}"
        + (f", by {header['recorder']}" if header.get("recorder") else "")
        + (
            f" [red](truncated at byte {info['truncated_at']:,})[/red]"
            if info["truncated_at"]
            else ""
        )
    )
    table = Table(show_lines=False)
    columns = ("id", "name", "type", "ch", "format", "Hz", "eff. Hz", "samples", "duration s")
    for column in (*columns, "offsets", "gaps", "footer"):
        table.add_column(
            column, justify="left" if column in ("name", "type", "format") else "right"
        )
    gap_rows: list[tuple[str, dict[str, Any]]] = []
    for s in info["streams"]:
        si = s["info"]
        n, dur = s["sample_count"], s["duration_s"]
        eff = (n - 1) / dur if dur and n > 1 and si["rate"] else None
        table.add_row(
            str(s["stream_id"]),
            si["name"],
            si["type"],
            str(len(si["channels"])),
            s["channel_format"],
            f"{si['rate']:g}" if si["rate"] else "irregular",
            _num(eff),
            f"{n:,}",
            _num(dur),
            str(s["clock_offsets"]),
            str(len(s["gaps"])),
            "yes" if s["has_footer"] else "[red]missing[/red]",
        )
        gap_rows += [(si["name"], g) for g in s["gaps"]]
    console.print(table)
    for name, g in gap_rows:
        console.print(
            f"gap in {name}: {g['start']:.6f} -> {g['end']:.6f} s "
            f"({g['end'] - g['start']:.3f} s, {g['n_lost']:,} samples lost): {g['reason']}",
            highlight=False,
        )
