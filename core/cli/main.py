"""The ``heartmind`` command line.

    heartmind --version
    heartmind plugins [--json]
    heartmind events [--json]
    heartmind run PIPELINE.toml [--duration S] [--fast | --realtime] [--start ISO]
                  [--seed N] [--events pretty|jsonl|none]

Global options (before the command): ``--plugins a,b`` loads only those plugins,
``--disable-plugin NAME`` (repeatable) skips one, ``-v`` shows debug logs.
Events go to standard output; logs, progress and summaries go to standard error.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from .. import __version__
from ..errors import HeartmindError
from ..plugin_manager import PluginManager
from . import commands

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``heartmind`` command."""
    parser = argparse.ArgumentParser(
        prog="heartmind",
        description="Multimodal affective and cardiac computing: run pipelines of sensors, "
        "processors and consumers, and inspect plugins.",
        epilog="Example: heartmind run examples/pipelines/ecg_heart_rate.toml --fast "
        "--duration 600",
    )
    parser.add_argument("--version", action="version", version=f"heartmind {__version__}")
    parser.add_argument("--plugins", metavar="A,B", help="load only these plugins")
    parser.add_argument(
        "--disable-plugin",
        metavar="NAME",
        action="append",
        default=[],
        help="do not load this plugin (repeatable)",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="more logging on standard error (-vv for debug)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("plugins", help="list plugins, what they provide and load failures")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=commands.plugins)

    p = sub.add_parser("events", help="show the event types and their fields (schema)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=commands.events)

    p = sub.add_parser("run", help="run a pipeline file (TOML)")
    p.add_argument("pipeline", help="pipeline TOML file")
    p.add_argument(
        "--duration",
        type=float,
        metavar="S",
        help="seconds of sample time to run (default: the file's, else until Ctrl-C)",
    )
    clock = p.add_mutually_exclusive_group()
    clock.add_argument(
        "--fast",
        dest="clock",
        action="store_const",
        const="virtual",
        help="virtual clock: as fast as the CPU allows, deterministic",
    )
    clock.add_argument(
        "--realtime",
        dest="clock",
        action="store_const",
        const="realtime",
        help="LSL clock, paced by the wall clock",
    )
    p.add_argument("--start", metavar="ISO", help="UTC of virtual time 0 (with --fast)")
    p.add_argument("--seed", type=int, metavar="N", help="random seed")
    p.add_argument(
        "--events",
        choices=("pretty", "jsonl", "none"),
        help="how console consumers print events (default: as in the file; "
        "adds a console consumer if the file has none)",
    )
    p.set_defaults(func=commands.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``heartmind`` script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    level = (
        logging.WARNING
        if args.verbose == 0
        else (logging.INFO if args.verbose == 1 else logging.DEBUG)
    )
    logging.basicConfig(
        level=level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
    )
    if args.command is None:
        parser.print_help()
        return 2
    only = [p.strip() for p in args.plugins.split(",") if p.strip()] if args.plugins else None
    try:
        manager = PluginManager(only=only, disable=args.disable_plugin)
        return int(args.func(args, manager))
    except HeartmindError as exc:
        print(f"heartmind: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("heartmind: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `heartmind run ... | head`
        return 0


if __name__ == "__main__":
    sys.exit(main())
