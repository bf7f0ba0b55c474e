"""``heartmind analyze FILE --out DIR``: argument parsing (cheap) and the command.

The readers, the session, matplotlib load when the command runs.
"""

from __future__ import annotations

import argparse
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from heartmind.plugin_manager import PluginManager

__all__ = ["configure", "run"]


def configure(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``heartmind analyze``."""
    parser.add_argument(
        "file", help="recording: .xdf, .edf, .bdf, .fif, .csv, or a WFDB record (name or .hea)"
    )
    parser.add_argument("--out", required=True, metavar="DIR", help="report folder (mode 0700)")
    parser.add_argument(
        "--stream",
        action="append",
        default=[],
        metavar="NAME",
        help="analyse only this stream (name or type; repeatable); default: every ECG, PPG, "
        "EDA, RSP, EEG and RADAR stream",
    )
    parser.add_argument(
        "--rate", type=float, metavar="HZ", help="CSV without a time column: sampling rate"
    )
    parser.add_argument(
        "--type",
        default="ECG",
        metavar="TYPE",
        help="CSV/WFDB: type of channels whose name does not tell it (default ECG)",
    )
    parser.add_argument(
        "--powerline",
        type=float,
        metavar="HZ",
        help="mains frequency for the ECG quality (default 50; 0 = none)",
    )
    parser.add_argument("--no-plots", action="store_true", help="write no PNG plots")


def run(args: argparse.Namespace, manager: PluginManager) -> int:
    """Run the analysis with a progress bar on standard error; print what was written."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from heartmind.cli.commands import stop_on_signals

    from ._analyze import analyze

    stop_on_signals()
    err = Console(stderr=True)
    options: dict[str, dict[str, Any]] = {}
    if args.powerline is not None:
        options["heart-rate"] = {"powerline": args.powerline}
    bar = Progress(
        TextColumn("[bold]analysing"),
        BarColumn(),
        TextColumn("{task.completed:,.0f}/{task.total:,.0f} s of recording"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )
    task = bar.add_task("analyse", total=0.0)

    def progress(done: float, total: float) -> None:
        bar.update(task, completed=done, total=total)

    wall0 = time.perf_counter()
    with bar:
        result = analyze(
            args.file,
            args.out,
            streams=args.stream,
            rate=args.rate,
            default_type=args.type,
            options=options,
            plots=not args.no_plots,
            plugins=manager,
            progress=progress,
        )
    _report(err, result, time.perf_counter() - wall0)
    return 0


def _report(err: Any, result: Any, wall: float) -> None:
    from rich.table import Table

    table = Table(title=f"heartmind analyze: {result.out}")
    for column in ("stream", "type", "duration", "beats", "HR mean (min–max) bpm", "RMSSD ms",
                   "unusable %"):  # fmt: skip
        table.add_column(column)
    for r in result.rows:
        hr = "-"
        if r.get("hr_mean_bpm") is not None:
            hr = f"{r['hr_mean_bpm']:.1f} ({r['hr_min_bpm']:.0f}–{r['hr_max_bpm']:.0f})"
        hrv = r.get("hrv") or {}
        rmssd = hrv.get("rmssd_ms")
        table.add_row(
            r["stream"],
            r["type"],
            f"{r['duration_s']:,.0f} s",
            str(r.get("beats", "-")),
            hr,
            "-" if rmssd is None else f"{rmssd:.1f}",
            "-" if r.get("unusable_beats_pct") is None else f"{r['unusable_beats_pct']:.1f}",
        )
    err.print(table)
    events = sum(result.collector.counts.values())
    err.print(f"{events:,} events, {len(result.files)} files written in {wall:.1f} s:")
    for path in result.files:
        print(path)
