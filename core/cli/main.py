"""The ``heartmind`` command line.

    heartmind --version
    heartmind plugins [NAME] [--json]
    heartmind events [--json]
    heartmind run PIPELINE.toml [--duration S] [--fast | --realtime] [--start ISO]
                  [--seed N] [--events pretty|jsonl|none]
    heartmind models [--json]
    heartmind train --model KIND [KIND's options] --out MODEL.hmm
    heartmind evaluate --model KIND [KIND's options] [--out DIR]

Global options (before the command): ``--plugins a,b`` loads only those plugins (an
unknown name is an error), ``--disable-plugin NAME`` (repeatable) skips one, ``-v`` shows
more logs. ``HEARTMIND_TRACE_PLUGINS=1`` logs every plugin hook call on standard error.
Also runs as ``python -m heartmind``.
Events go to standard output; logs, progress and summaries go to standard error.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from typing import Any

from .. import __version__
from ..errors import HeartmindError, PluginError
from ..plugin_manager import PluginManager
from . import commands
from . import models as model_commands
from .plugins import plugins as plugins_command

__all__ = ["build_parser", "main"]

log = logging.getLogger(__name__)


BUILTIN_COMMANDS = ("plugins", "events", "run", "models", "train", "evaluate")


def _global_options(parser: argparse.ArgumentParser) -> None:
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


def build_parser(manager: PluginManager | None = None) -> argparse.ArgumentParser:
    """The argument parser of the ``heartmind`` command, with the commands that the
    plugins of ``manager`` add (``heartmind_commands`` hook)."""
    parser = argparse.ArgumentParser(
        prog="heartmind",
        description="Multimodal affective and cardiac computing: run pipelines of sensors, "
        "processors and consumers, and inspect plugins.",
        epilog="Example: heartmind run examples/pipelines/ecg_heart_rate.toml --fast "
        "--duration 600",
    )
    parser.add_argument("--version", action="version", version=f"heartmind {__version__}")
    _global_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser(
        "plugins",
        help="list plugins, what they provide and load failures; or describe one spec",
        description="Without NAME: every plugin, its version, what it provides and why it "
        "failed. With NAME (a spec such as heart-rate, or a plugin such as cardiac): its "
        "inputs, outputs and options (type, unit, default, range, choices, help).",
    )
    p.add_argument("name", nargs="?", metavar="NAME", help="a spec or plugin to describe")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=plugins_command)

    p = sub.add_parser("events", help="show the event types and their fields (schema)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=commands.events)

    _add_run_command(sub)
    model_commands.add_commands(sub)
    if manager is not None:
        _add_plugin_commands(sub, manager)
    return parser


def _add_run_command(sub: Any) -> None:
    """``heartmind run PIPELINE.toml`` and its options."""
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


def _add_plugin_commands(sub: Any, manager: PluginManager) -> None:
    for name, spec in sorted(manager.commands().items()):
        if name in BUILTIN_COMMANDS:
            log.warning(
                "plugin %s declares command %r, which is built in; ignored", spec.plugin, name
            )
            continue
        p = sub.add_parser(name, help=spec.description, description=spec.description)
        try:
            spec.configure(p)
        except Exception as exc:
            message = f"command {name!r} of plugin {spec.plugin!r} failed to configure: {exc}"
            log.warning("%s", message)
            p.set_defaults(func=_broken(message))
            continue
        p.set_defaults(func=spec.factory)


def _broken(message: str) -> Any:
    def run(args: argparse.Namespace, manager: PluginManager) -> int:
        raise PluginError(message)

    return run


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``heartmind`` script; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    pre = argparse.ArgumentParser(add_help=False)
    _global_options(pre)
    known, _ = pre.parse_known_args(argv)
    level = (
        logging.WARNING
        if known.verbose == 0
        else (logging.INFO if known.verbose == 1 else logging.DEBUG)
    )
    logging.basicConfig(
        level=level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
    )
    only = [p.strip() for p in known.plugins.split(",") if p.strip()] if known.plugins else None
    try:
        manager = PluginManager(only=only, disable=known.disable_plugin)
        parser = build_parser(manager)
        args, extra = parser.parse_known_args(argv)
        if extra and not getattr(args, "extra_arguments", False):
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        args.extra = extra  # train/evaluate: the model kind's own arguments
        if args.command is None:
            parser.print_help()
            return 2
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
