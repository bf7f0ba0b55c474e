"""Implementations of the CLI commands (argument parsing lives in ``main``)."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import time
from typing import Any

from rich.console import Console
from rich.table import Table

from ..events import event_types
from ..pipeline import ComponentConfig, Pipeline
from ..plugin_manager import PluginManager
from ..session import Session
from .progress import RunProgress

__all__ = ["events", "run"]


def events(args: argparse.Namespace, manager: PluginManager) -> int:
    """``heartmind events``: the schema of every known event type."""
    manager.report()  # importing plugins registers their event types
    types = event_types()
    schema = {topic: cls.schema() for topic, cls in sorted(types.items())}
    if args.json:
        print(json.dumps(schema, indent=2))
        return 0
    console = Console()
    for topic, rows in schema.items():
        table = Table(title=f"{topic}  ({types[topic].__name__})", title_justify="left")
        for column in ("field", "unit", "range", "description"):
            table.add_column(column)
        for row in rows:
            lo, hi = row["range"]
            rng = "" if lo is None and hi is None else f"[{_num(lo)}, {_num(hi)}]"
            table.add_row(row["name"], row["unit"], rng, row["doc"])
        console.print(table)
    return 0


def _num(value: Any) -> str:
    return "…" if value is None else f"{value:g}"


def _apply_events_option(pipeline: Pipeline, mode: str | None) -> None:
    consoles = [c for c in pipeline.components if c.kind == "consumers" and c.spec == "console"]
    if mode is None:
        return
    if mode == "none":
        pipeline.components = [c for c in pipeline.components if c not in consoles]
        return
    if not consoles:
        consoles = [
            ComponentConfig(kind="consumers", name="console", spec="console", where="--events")
        ]
        pipeline.components.extend(consoles)
    for c in consoles:
        c.options["format"] = mode


def run(args: argparse.Namespace, manager: PluginManager) -> int:
    """``heartmind run``: build the pipeline file into a session and run it."""
    stop_on_signals()
    pipeline = Pipeline.load(args.pipeline)
    _apply_events_option(pipeline, args.events)
    if args.clock:
        pipeline.session.clock = args.clock
    if args.start:
        pipeline.session.start = args.start
    if args.seed is not None:
        pipeline.session.seed = args.seed
    if args.duration is not None:
        pipeline.session.duration = args.duration
    session = Session(pipeline, plugins=manager)
    err = Console(stderr=True)
    wall0 = time.perf_counter()
    with RunProgress(err, session) as progress:
        session.start()
        try:
            while not session.wait(0.1):
                progress.update()
        finally:
            session.stop()
            progress.update()
    _summary(err, session, time.perf_counter() - wall0)
    return 0


def stop_on_signals() -> None:
    """Make Ctrl-C (SIGINT) and SIGTERM stop a run cleanly, flushing recordings.

    Both raise ``KeyboardInterrupt`` in the main thread, also when the parent process left
    SIGINT ignored (as shells do for background jobs).
    """

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(signal.Signals(signum).name)

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, interrupt)
        signal.signal(signal.SIGTERM, interrupt)


def _summary(err: Console, session: Session, wall: float) -> None:
    stats = session.stats()
    span = session.elapsed
    speed = f" ({span / wall:,.0f}× real time)" if session.clock.virtual and wall > 0 else ""
    err.print(
        f"ran {span:,.1f} s of sample time in {wall:,.2f} s{speed}: "
        f"{stats['chunks']:,} chunks, {stats['events']:,} events, "
        f"{stats['dropped']:,} dropped",
        highlight=False,
    )
    for name, st in stats["processors"].items():
        if st["errors"]:
            err.print(
                f"[red]processor {name}: {st['errors']} errors[/red]"
                f"{' (switched off)' if st['disabled'] else ''}: {st['last_error']}"
            )
    if sys.stdout.isatty():
        sys.stdout.flush()
