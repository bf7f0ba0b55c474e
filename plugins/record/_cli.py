"""``heartmind record`` (LSL streams to XDF) and ``heartmind info`` (summary of a recording).

    heartmind record OUT.xdf --stream name=ECG --stream type=EEG --stream source_id=ABC
                     [--all] [--duration S] [--overwrite] [--lsl-scope machine|lan]
    heartmind info FILE.xdf [--json]

``record`` builds a real-time session of the ``lsl-streams`` sensor and the ``xdf-recorder``
consumer. Ctrl-C (SIGINT) or SIGTERM stop it cleanly: every sample stamped before the stop
is still read, written, and the footers are written. Progress and the summary go to
standard error.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path
from typing import Any

from heartmind.errors import ConfigError

__all__ = ["configure_info", "configure_record", "parse_selectors", "run_info", "run_record"]

_KEYS = {"name": "lsl_names", "type": "lsl_types", "source_id": "source_ids", "pred": "predicates"}


def configure_record(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``heartmind record``."""
    parser.add_argument("out", metavar="OUT.xdf", help="XDF file to write (mode 0600)")
    parser.add_argument(
        "--stream",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="stream to record: name=X, type=Y, source_id=Z or pred=XPATH (repeatable; "
        "a stream matching any one is recorded, also when it appears later)",
    )
    parser.add_argument("--all", action="store_true", help="record every visible LSL stream")
    parser.add_argument("--duration", type=float, metavar="S", help="stop after S seconds")
    parser.add_argument("--overwrite", action="store_true", help="replace OUT.xdf if it exists")
    parser.add_argument(
        "--lsl-scope",
        choices=("machine", "lan"),
        default="machine",
        help="machine (default): this machine's streams only; lan: the local network",
    )
    parser.add_argument(
        "--wait", type=float, default=2.0, metavar="S", help="wait S s for the streams at start"
    )
    parser.add_argument(
        "--no-events", action="store_true", help="do not record the heartmind-events stream"
    )


def configure_info(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``heartmind info``."""
    parser.add_argument("file", metavar="FILE.xdf", help="an XDF recording")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument(
        "--recover", action="store_true", help="skip damaged chunks instead of failing"
    )


def parse_selectors(values: list[str], all_streams: bool) -> dict[str, list[str]]:
    """``--stream KEY=VALUE`` arguments as ``lsl-streams`` options.

    Raises
    ------
    ConfigError
        On an unknown key, an empty value, or neither/both of a selection and ``--all``.
    """
    out: dict[str, list[str]] = {option: [] for option in _KEYS.values()}
    for value in values:
        key, sep, text = value.partition("=")
        key = key.strip().replace("-", "_")
        if not sep or key not in _KEYS or not text:
            raise ConfigError(
                f"--stream {value!r}: use KEY=VALUE with KEY one of {', '.join(_KEYS)}, "
                "e.g. --stream name=MyECG or --stream type=EEG."
            )
        out[_KEYS[key]].append(text)
    if not values and not all_streams:
        raise ConfigError("nothing to record: give --stream KEY=VALUE (repeatable) or --all.")
    if values and all_streams:
        raise ConfigError("--all records every stream; leave out --stream, or drop --all.")
    return out


def run_record(args: argparse.Namespace, manager: Any) -> int:
    """``heartmind record``: record LSL streams until Ctrl-C, SIGTERM or ``--duration``."""
    from rich.console import Console

    from heartmind.cli.commands import stop_on_signals
    from heartmind.session import Session

    selection = parse_selectors(args.stream, args.all)
    if args.duration is not None and not (math.isfinite(args.duration) and args.duration > 0):
        raise ConfigError(f"--duration {args.duration}: give a positive number of seconds.")
    stop_on_signals()
    err = Console(stderr=True)
    session = Session(clock="realtime", plugins=manager, queue_size=1024)
    sensor: Any = session.add_sensor(
        "lsl-streams",
        name="lsl",
        all_streams=args.all,
        wait=args.wait,
        scope=args.lsl_scope,
        poll_interval=0.5,  # as LabRecorder: fewer, larger chunks; recording needs no latency
        **selection,
    )
    recorder: Any = session.add_consumer(
        "xdf-recorder",
        name="xdf",
        path=args.out,
        overwrite=args.overwrite,
        record_events=not args.no_events,
    )
    wall0 = time.monotonic()
    session.start()
    try:
        _record_until_stopped(err, session, sensor, recorder, args.duration)
    finally:
        session.stop(timeout=30.0)
    return _record_summary(err, session, sensor, recorder, time.monotonic() - wall0)


def _record_until_stopped(
    err: Any, session: Any, sensor: Any, recorder: Any, duration: float | None
) -> None:
    """Show progress until the duration or a signal; then drain what is in transit."""
    from ._progress import RecordProgress

    end = math.inf if duration is None else time.monotonic() + duration
    stop_at: float | None = None
    with RecordProgress(err, sensor, recorder) as progress:
        try:
            while time.monotonic() < end:
                time.sleep(min(0.25, max(0.0, end - time.monotonic())))
                progress.update()
        except KeyboardInterrupt:
            stop_at = session.clock.now()
            err.print("stopping: reading what is still in transit …", highlight=False)
        sensor.drain(until=stop_at, timeout=10.0)
        if not sensor.wait_drained(20.0):
            err.print("[yellow]some streams did not drain within 20 s[/yellow]")
        progress.update()


def _record_summary(err: Any, session: Any, sensor: Any, recorder: Any, wall: float) -> int:
    from ._progress import stream_table

    rows = stream_table(sensor, recorder)
    err.print(rows)
    stats = session.stats()
    dropped = sum(s["dropped_samples"] for s in sensor.stats().values())
    dropped += sum(s["dropped_samples"] for s in stats["sensors"].values())
    dropped += sum(s["dropped_samples"] for s in stats["subscribers"].values())
    progress = recorder.progress()
    size = Path(recorder.path).stat().st_size if Path(recorder.path).exists() else 0
    samples = sum(p["samples"] for p in progress.values())
    err.print(
        f"recorded {len(progress)} streams, {samples:,} samples, {size / 1e6:,.1f} MB in "
        f"{wall:,.1f} s to {recorder.path}; {dropped:,} samples dropped",
        highlight=False,
    )
    if not progress:
        err.print("[red]no stream was recorded[/red]: check the --stream selection and scope")
        return 1
    return 0


def run_info(args: argparse.Namespace, manager: Any) -> int:
    """``heartmind info``: summarise an XDF file (streams, rates, counts, gaps, offsets)."""
    from heartmind.xdf import xdf_info

    path = Path(args.file)
    if not path.is_file():
        raise ConfigError(f"{path}: no such file; give the path of an .xdf recording.")
    info = xdf_info(path, recover=args.recover)
    if args.json:
        print(json.dumps(info, indent=2, default=str))
        return 0
    from ._progress import print_info

    print_info(info)
    return 0
