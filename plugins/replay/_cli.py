"""``heartmind replay FILE``: print, republish over LSL, or run a pipeline on a recording.

Argument parsing only at import; the session and the readers load when the command runs.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from typing import TYPE_CHECKING, Any

from heartmind.errors import ConfigError

if TYPE_CHECKING:
    from heartmind.io import RecordingSensor
    from heartmind.pipeline import ComponentConfig, Pipeline
    from heartmind.plugin_manager import PluginManager
    from heartmind.session import Session

__all__ = ["configure", "parse_speed", "run"]

#: Instance name of the replay sensor in the session.
SENSOR_NAME = "replay"


def parse_speed(text: str) -> float | None:
    """``"max"`` -> ``None`` (virtual clock); else a positive factor (1 = real time)."""
    if text.strip().lower() == "max":
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"{text!r}: give 'max' or a positive factor, e.g. 1 or 4")
    return value


def configure(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``heartmind replay``."""
    parser.add_argument(
        "file", help="recording: .xdf, .edf, .bdf, .fif(.gz), .csv or a WFDB record (.hea)"
    )
    parser.add_argument(
        "--speed",
        type=parse_speed,
        default=1.0,
        metavar="1|N|max",
        help="1: real time (default); N: N times real time; max: as fast as the CPU allows "
        "(virtual clock)",
    )
    parser.add_argument(
        "--stream",
        action="append",
        default=[],
        metavar="NAME",
        help="play only this stream (name or type; repeatable)",
    )
    parser.add_argument(
        "--keep-timestamps",
        action="store_true",
        help="keep the file's timestamps instead of starting at the session's now",
    )
    parser.add_argument(
        "--pipeline",
        metavar="PIPELINE.toml",
        help="run this pipeline's processors and consumers on the recording (its sensors "
        "are replaced by the replay)",
    )
    parser.add_argument("--lsl", action="store_true", help="publish the streams as LSL outlets")
    parser.add_argument(
        "--lsl-prefix", default="", metavar="P", help="prefix of the LSL stream names"
    )
    parser.add_argument(
        "--lsl-scope",
        choices=("machine", "lan"),
        default="machine",
        help="LSL scope: machine (default) or lan (visible on the local network)",
    )
    parser.add_argument(
        "--events",
        choices=("pretty", "jsonl", "none"),
        help="how events are printed (default: pretty, or as in the pipeline file)",
    )
    parser.add_argument(
        "--duration", type=float, metavar="S", help="play at most this many s of the recording"
    )
    parser.add_argument("--chunk-duration", type=float, default=0.1, metavar="S", help="chunk, s")


def _components(args: argparse.Namespace, speed: float | None) -> Pipeline:
    """The pipeline to run: the replay sensor + the file's processors/consumers + extras."""
    from heartmind.pipeline import ComponentConfig, Pipeline

    pipeline = Pipeline.load(args.pipeline) if args.pipeline else Pipeline(source="replay")
    removed = {c.name for c in pipeline.components if c.kind == "sensors"}
    kept = [c for c in pipeline.components if c.kind != "sensors"]
    for c in kept:
        if c.kind == "processors" and c.inputs is not None:
            c.inputs = _rewire(c.inputs, removed)
    options: dict[str, Any] = {
        "path": args.file,
        "select": list(args.stream),
        "keep_timestamps": bool(args.keep_timestamps),
        "chunk_duration": float(args.chunk_duration),
        "speed": 1.0 if speed is None else speed,
    }
    sensor = ComponentConfig("sensors", SENSOR_NAME, "replay", options, where="replay")
    pipeline.components = [sensor, *kept]
    _events(pipeline, args.events, default="none" if args.lsl else "pretty")
    if args.lsl:
        pipeline.components.append(_lsl_outlet(args))
    pipeline.session.clock = "virtual" if speed is None else "realtime"
    if speed is not None:
        pipeline.session.start = None
    pipeline.session.duration = args.duration
    return pipeline


def _rewire(inputs: tuple[str, ...], removed: set[str]) -> tuple[str, ...]:
    """Point processor inputs that named a replaced sensor at the replay sensor."""
    from dataclasses import replace

    from heartmind.selectors import parse_input

    out: list[str] = []
    for text in inputs:
        selector = parse_input(text)
        new = str(replace(selector, name=SENSOR_NAME)) if selector.name in removed else text
        if new not in out:
            out.append(new)
    return tuple(out)


def _events(pipeline: Pipeline, mode: str | None, default: str) -> None:
    from heartmind.pipeline import ComponentConfig

    consoles = [c for c in pipeline.components if c.kind == "consumers" and c.spec == "console"]
    if mode is None:
        if consoles or pipeline.source != "replay":
            return
        mode = default
    if mode == "none":
        pipeline.components = [c for c in pipeline.components if c not in consoles]
        return
    if not consoles:
        consoles = [ComponentConfig("consumers", "console", "console", where="--events")]
        pipeline.components.extend(consoles)
    for c in consoles:
        c.options["format"] = mode


def _lsl_outlet(args: argparse.Namespace) -> ComponentConfig:
    from heartmind.pipeline import ComponentConfig

    return ComponentConfig(
        "consumers",
        "lsl",
        "lsl-outlet",
        {"prefix": args.lsl_prefix, "event_topics": [], "scope": args.lsl_scope},
        topics=(),
        streams=("stream:*",),
        where="--lsl",
    )


def _build(pipeline: Pipeline, manager: PluginManager) -> tuple[Session, RecordingSensor]:
    """A session of ``pipeline`` (built here, since Pipeline.from_dict needs [sensors])."""
    from heartmind.session import Session
    from heartmind.specs import validate_options

    cfg = pipeline.session
    session = Session(
        clock=cfg.clock, start=cfg.start, seed=cfg.seed, duration=cfg.duration, plugins=manager
    )
    sensor: Any = None
    for c in pipeline.components:
        validate_options(manager.get(c.kind, c.spec).options, c.options, f"{c.where} options")
        if c.kind == "sensors":
            sensor = session.add_sensor(c.spec, name=c.name, **c.options)
        elif c.kind == "processors":
            session.add_processor(c.spec, name=c.name, inputs=c.inputs, **c.options)
        else:
            session.add_consumer(
                c.spec, name=c.name, topics=c.topics, streams=c.streams, **c.options
            )
    return session, sensor


def _describe(sensor: RecordingSensor) -> None:
    from heartmind.io import tracks_summary

    print(f"replaying {sensor.path} ({sensor.duration:,.3f} s):", file=sys.stderr)
    for track, row in zip(sensor.tracks, tracks_summary(sensor.tracks), strict=True):
        rate = f"{row['rate']:g} Hz" if row["rate"] else "irregular"
        shape = "×".join(str(n) for n in track.info.shape)
        print(
            f"  {row['name']}  {row['type']}  {rate}  {row['channels']} ch"
            f"{' of ' + shape if shape else ''}  "
            f"{row['samples']:,} samples  {row['gaps']} gaps",
            file=sys.stderr,
        )


def run(args: argparse.Namespace, manager: PluginManager) -> int:
    """Run ``heartmind replay``; returns the exit status."""
    from heartmind.cli.commands import stop_on_signals

    if args.chunk_duration <= 0:
        raise ConfigError("--chunk-duration must be a positive number of s.")
    stop_on_signals()
    session, sensor = _build(_components(args, args.speed), manager)
    _describe(sensor)
    wall0 = time.perf_counter()
    session.start()
    try:
        while not session.wait(0.05):
            if sensor.live and sensor.finished:
                break  # live sensors never end a real-time session by themselves
    finally:
        session.stop()
    wall = time.perf_counter() - wall0
    stats = session.stats()
    speed = sensor.position / wall if wall > 0 else math.inf
    print(
        f"replayed {sensor.position:,.3f} s in {wall:,.3f} s ({speed:,.1f}× real time): "
        f"{stats['chunks']:,} chunks, {stats['events']:,} events, {stats['dropped']:,} dropped",
        file=sys.stderr,
    )
    return 0
