"""``heartmind demo [--out DIR] [--realtime] [--duration S] [--seed N]``.

Runs the demo pipeline (see :mod:`.pipeline`) with a live view on standard error, then
writes the proposed calendar, its diff and the figure next to the recording and events,
audits the calendar changes against the adapter's policy, and prints a summary with the
measured speed.
"""

from __future__ import annotations

import argparse
import logging
import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path

from rich.console import Console

from heartmind.cli.commands import stop_on_signals
from heartmind.errors import ConfigError
from heartmind.plugin_manager import PluginManager
from heartmind.session import Session
from heartmind.sim.state import StateScript

from ._live_view import LiveView, describe_change
from ._pipeline import DEMO_START, DemoConfig, build_session, calendar_path, state_path
from ._series import TOPICS, DemoSeries

__all__ = ["DEFAULT_OUT", "REALTIME_DURATION", "configure", "run"]

log = logging.getLogger(__name__)

#: Default output folder (relative to the working directory).
DEFAULT_OUT = "heartmind-demo-out"
#: Default length of a ``--realtime`` run, s (the 10-min rest-stress-recovery script).
REALTIME_DURATION = 600.0
REALTIME_STATE = "rest-stress-recovery"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``heartmind demo``."""
    parser.add_argument(
        "--out",
        metavar="DIR",
        default=DEFAULT_OUT,
        help=f"output folder, created with mode 0700 (default: ./{DEFAULT_OUT})",
    )
    parser.add_argument(
        "--realtime",
        action="store_true",
        help="run live on the LSL clock, paced by the wall clock (default "
        f"{REALTIME_DURATION:g} s of the '{REALTIME_STATE}' script)",
    )
    parser.add_argument(
        "--duration",
        type=float,
        metavar="S",
        help="seconds of simulated time (default: the whole 4-h workday script; "
        f"{REALTIME_DURATION:g} with --realtime)",
    )
    parser.add_argument("--seed", type=int, default=7, metavar="N", help="random seed (7)")
    parser.add_argument(
        "--start",
        metavar="ISO",
        default=DEMO_START,
        help=f"UTC of simulated time 0 (default {DEMO_START}: 08:00 in Berlin on the day of "
        "the sample calendar); virtual clock only",
    )
    parser.add_argument(
        "--state",
        metavar="SCRIPT",
        help="state script driving the participant (bundled name or TOML path; default: "
        "the demo's 4-h workday with a deadline crunch)",
    )


def _config(args: argparse.Namespace) -> DemoConfig:
    if args.duration is not None and args.duration <= 0:
        raise ConfigError(f"--duration {args.duration:g}: give a positive number of seconds.")
    if args.realtime and args.start != DEMO_START:
        raise ConfigError("--start is for the simulated (virtual) clock; drop it with --realtime.")
    state = args.state or (REALTIME_STATE if args.realtime else state_path())
    duration = args.duration
    if duration is None:
        duration = REALTIME_DURATION if args.realtime else StateScript.load(state).duration
    return DemoConfig(
        out=Path(args.out),
        duration=float(duration),
        realtime=bool(args.realtime),
        seed=int(args.seed),
        start=args.start,
        state=state,
        ics=calendar_path(),
        chunk_duration=0.25 if args.realtime else 5.0,
    )


def _prepare_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise ConfigError(f"--out {out}: this is a file; give a folder (it is created if new).")
    try:
        out.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"--out {out}: cannot create the folder ({exc}); pick another.") from exc


@dataclass(frozen=True)
class RunInfo:
    """How one run went: wall time (s) and sample time run (s)."""

    wall: float
    span: float

    @property
    def speed(self) -> float:
        """Sample time per wall-clock second (× real time)."""
        return self.span / self.wall if self.wall > 0 else 0.0


def _run_session(session: Session, series: DemoSeries, err: Console, tz: tzinfo) -> RunInfo:
    wall0 = time.perf_counter()
    with LiveView(err, session, series, tz) as view:
        session.start()
        try:
            while not session.wait(0.1):
                view.update()
        finally:
            session.stop()
    return RunInfo(time.perf_counter() - wall0, session.elapsed)


def run(args: argparse.Namespace, manager: PluginManager) -> int:
    """Run the demo; returns 0, or 1 if a calendar change broke the policy."""
    from zoneinfo import ZoneInfo

    from ._outputs import write_outputs

    stop_on_signals()
    config = _config(args)
    _prepare_out(config.out)
    err = Console(stderr=True)
    tz = ZoneInfo("Europe/Berlin")
    pipeline = build_session(config, manager)
    session = pipeline.session
    series = DemoSeries()
    session.subscribe(list(TOPICS), series, name="demo-view")
    clock = "real-time" if config.realtime else "simulated"
    err.print(
        f"[bold]heartmind demo[/]: {config.duration / 3600:.2f} h {clock} of a synthetic "
        f"participant (seed {config.seed}) -> {config.out}/",
        highlight=False,
    )
    info = _run_session(session, series, err, tz)
    report = write_outputs(config, pipeline, series, info.speed, tz)
    _summary(err, config, session, info, report.violations, report.lines)
    return 1 if report.violations else 0


def _summary(
    err: Console,
    config: DemoConfig,
    session: Session,
    info: RunInfo,
    violations: list[str],
    lines: list[str],
) -> None:
    stats = session.stats()
    err.print(
        f"ran {info.span / 3600:.2f} h of simulated time in {info.wall:.1f} s "
        f"([bold]{info.speed:,.0f}× real time[/]): {stats['chunks']:,} chunks, "
        f"{stats['events']:,} events, {stats['dropped']:,} dropped",
        highlight=False,
        soft_wrap=True,
    )
    for name, st in stats["processors"].items():
        if st["errors"]:
            err.print(f"[red]processor {name}: {st['errors']} errors: {st['last_error']}")
    for line in lines:
        err.print(line, highlight=False, soft_wrap=True)
    if violations:
        err.print("[red]calendar policy check FAILED:[/]")
        for v in violations:
            err.print(f"  [red]- {v}")
    outs = sorted(p for p in config.out.iterdir() if p.is_file() and not p.name.startswith("."))
    err.print(f"outputs in {config.out}/:")
    for p in outs:
        err.print(
            f"  {p.name:<24} {p.stat().st_size / 1e6:9.2f} MB  "
            f"mode {oct(os.stat(p).st_mode & 0o777)}",
            highlight=False,
        )


def utc_of(session: Session, t: float) -> datetime:
    """Aware UTC datetime of session time ``t`` (s)."""
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=session.clock.to_utc(t))


__all__ += ["describe_change", "utc_of"]
