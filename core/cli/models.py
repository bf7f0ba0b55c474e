"""``heartmind models``, ``heartmind train --model KIND`` and ``heartmind evaluate --model KIND``.

The commands know no model: they ask the plugin manager for the :class:`~heartmind.ModelSpec`
of ``KIND`` (``heartmind_models`` hook), parse the kind's own arguments (its
``configure``) and call its ``train`` / ``evaluate``. ``train`` saves the returned model to
``--out`` (``.hmm``, mode 0600); ``evaluate`` writes ``metrics.json`` into ``--out DIR``
and prints the report's table. Results go to standard output, progress and logs to
standard error, and everything obtained on synthetic data says so.

    heartmind models [--json]
    heartmind train --model KIND [KIND's options] --out MODEL.hmm
    heartmind evaluate --model KIND [KIND's options] [--out DIR] [--json]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from ..errors import ConfigError, HeartmindError, PluginError
from ..files import open_private
from ..models import EvaluationReport, Model, ModelError, read_info
from ..models.report import SYNTHETIC_NOTE
from ..plugin_manager import PluginManager
from ..specs import ModelSpec
from ..suggest import closest

__all__ = ["add_commands", "evaluate", "models", "parse_model_args", "train"]

#: Printed after training on synthetic data.
TRAINED_SYNTHETIC_NOTE = (
    "note: trained on SYNTHETIC DATA; the model shows the plumbing, not validated recognition."
)


def add_commands(sub: Any) -> None:
    """Add ``models``, ``train`` and ``evaluate`` to the ``heartmind`` sub-command parsers.

    ``train`` and ``evaluate`` take ``--model KIND``; every other argument belongs to the
    kind and is parsed by :func:`parse_model_args` (``main`` passes them as
    ``args.extra``).
    """
    p = sub.add_parser(
        "models", help="list every model kind: owner, task, inputs, data, bundled files"
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=models)
    for name, func, what in (
        ("train", train, "train a model of any registered kind (heartmind models lists them)"),
        ("evaluate", evaluate, "evaluate a model kind (e.g. leave-one-subject-out) on a dataset"),
    ):
        p = sub.add_parser(name, help=what, description=what, add_help=False, allow_abbrev=False)
        p.add_argument("--model", metavar="KIND", help="model kind (see 'heartmind models')")
        p.add_argument("-h", "--help", action="store_true", help="show help (of KIND with --model)")
        p.set_defaults(func=func, extra_arguments=True)


# --------------------------------------------------------------------------- helpers


def find_spec(manager: PluginManager, kind: str | None, command: str) -> ModelSpec:
    """The spec of ``kind``; an error listing the kinds (closest match first) otherwise."""
    specs = manager.models()
    if kind and kind in specs:
        return specs[kind]
    kinds = sorted(specs)
    if kind:  # the close ones first (heartmind.suggest), then the others
        near = closest(kind, kinds, n=len(kinds))
        kinds = near + [k for k in kinds if k not in near]
    listed = ", ".join(kinds) or "none (no plugin offers a model)"
    if not kind:
        raise ConfigError(f"heartmind {command} needs --model KIND; kinds: {listed}.")
    try:  # a duplicate kind or a failed plugin: the plugin manager says which
        manager.get("models", kind)
    except PluginError as exc:
        if "declared by plugins" in str(exc):
            raise
    raise ConfigError(f"unknown model kind {kind!r}; kinds: {listed}.")


def model_parser(spec: ModelSpec, command: str) -> argparse.ArgumentParser:
    """The argument parser of ``heartmind COMMAND --model KIND`` (the kind's arguments)."""
    parser = argparse.ArgumentParser(
        prog=f"heartmind {command} --model {spec.name}",
        description=f"{spec.task} ({spec.name}, plugin {spec.plugin}). {spec.description}",
    )
    if command == "train":
        parser.add_argument("--out", required=True, metavar="MODEL.hmm", help="file to write")
    else:
        parser.add_argument(
            "--out", default="heartmind-evaluation", metavar="DIR", help="folder for results"
        )
        parser.add_argument(
            "--json", action="store_true", help="print metrics.json instead of the table"
        )
    spec.configure(parser)
    return parser


def parse_model_args(spec: ModelSpec, command: str, argv: Sequence[str]) -> argparse.Namespace:
    """Parse the arguments of ``heartmind COMMAND --model KIND`` (``args.model`` is KIND)."""
    args = model_parser(spec, command).parse_args(list(argv))
    args.model = spec.name
    return args


def _kind_args(
    args: argparse.Namespace, manager: PluginManager, command: str
) -> tuple[ModelSpec, argparse.Namespace] | None:
    """The spec of ``--model`` and the kind's parsed arguments; None after general help."""
    if args.help and not args.model:
        kinds = ", ".join(sorted(manager.models())) or "none"
        print(
            f"usage: heartmind {command} --model KIND [KIND's options]\n\n"
            f"kinds: {kinds}\n'heartmind {command} --model KIND --help' shows its options."
        )
        return None
    spec = find_spec(manager, args.model, command)
    extra = list(getattr(args, "extra", []))
    return spec, parse_model_args(spec, command, [*extra, "--help"] if args.help else extra)


def _tag(synthetic: bool) -> str:
    return " [SYNTHETIC DATA]" if synthetic else ""


# --------------------------------------------------------------------------- commands


def models(args: argparse.Namespace, manager: PluginManager) -> int:
    """``heartmind models``: every registered model kind, also where no weights ship."""
    rows = []
    missing = False
    for _kind, spec in sorted(manager.models().items()):
        row = {"kind": spec.name, "plugin": spec.plugin, **spec.describe()}
        files = []
        for path in spec.bundled:
            try:
                _kind, info = read_info(path)
                files.append(
                    {
                        "file": str(path),
                        "name": info.name,
                        "trained_on": info.trained_on,
                        "synthetic": info.synthetic,
                        "version": info.version,
                    }
                )
            except ModelError as exc:
                missing = True
                files.append({"file": str(path), "error": str(exc)})
        row["bundled"] = files
        rows.append(row)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 1 if missing else 0
    table = Table(title="heartmind models")
    for column in ("kind", "plugin", "task", "inputs", "trains on", "bundled", "trained on"):
        table.add_column(column, overflow="fold")
    for row in rows:
        bundled = [
            Path(f["file"]).name + (" (unreadable)" if "error" in f else "") for f in row["bundled"]
        ]
        trained = sorted({f.get("trained_on", "?") for f in row["bundled"]})
        table.add_row(
            row["kind"],
            row["plugin"],
            row["task"],
            ", ".join(row["inputs"]) or "-",
            ", ".join(row["datasets"]) or "-",
            "\n".join(bundled) or "none",
            ", ".join(trained) or "-",
        )
    Console(width=160).print(table)
    return 1 if missing else 0


def train(args: argparse.Namespace, manager: PluginManager) -> int:
    """``heartmind train --model KIND``: the owner trains, the core saves and reports."""
    from .commands import stop_on_signals

    parsed = _kind_args(args, manager, "train")
    if parsed is None:
        return 0
    spec, kargs = parsed
    stop_on_signals()
    t0 = time.perf_counter()
    model = spec.train(kargs)
    if not isinstance(model, Model) or model.kind != spec.name:
        raise PluginError(
            f"plugin {spec.plugin!r}: training {spec.name} returned {type(model).__name__} "
            f"(kind {getattr(model, 'kind', '?')!r}), not a {spec.name} model."
        )
    path = model.save(kargs.out)
    info = model.info
    data = str(info.training.get("dataset") or info.trained_on)
    summary = info.training.get("summary")
    print(
        f"trained {model.kind} '{info.name}' version {info.version} on {data}"
        f"{_tag(info.synthetic)} in {time.perf_counter() - t0:.1f} s"
        + (f": {summary}" if summary else "")
    )
    if info.synthetic:
        print(TRAINED_SYNTHETIC_NOTE)
    print(f"wrote {path}")
    return 0


def evaluate(args: argparse.Namespace, manager: PluginManager) -> int:
    """``heartmind evaluate --model KIND``: the owner evaluates, the core writes and prints."""
    from .commands import stop_on_signals

    parsed = _kind_args(args, manager, "evaluate")
    if parsed is None:
        return 0
    spec, kargs = parsed
    if spec.evaluate is None:
        raise ConfigError(f"model kind {spec.name!r} (plugin {spec.plugin}) has no evaluation.")
    stop_on_signals()
    out = Path(kargs.out)
    out.mkdir(parents=True, exist_ok=True)
    report = spec.evaluate(kargs)
    if not isinstance(report, EvaluationReport):
        raise PluginError(
            f"plugin {spec.plugin!r}: evaluating {spec.name} returned "
            f"{type(report).__name__}, not an EvaluationReport."
        )
    files = {"metrics": out / "metrics.json", **report.files}
    try:
        with open_private(files["metrics"]) as fh:
            fh.write(json.dumps(report.metrics, indent=2) + "\n")
    except (OSError, TypeError, ValueError) as exc:
        raise HeartmindError(f"cannot write {files['metrics']}: {exc}") from exc
    if kargs.json:
        print(json.dumps(report.metrics, indent=2))
        return 0
    _print_report(report)
    if report.synthetic:
        print(f"note: {report.metrics.get('note') or SYNTHETIC_NOTE}.")
    for name, path in files.items():
        print(f"wrote {name}: {path}")
    return 0


def _print_report(report: EvaluationReport) -> None:
    table = Table(title=report.title)
    for i, column in enumerate(report.columns):
        table.add_column(column, justify="left" if i == 0 else "right")
    for row in report.text_rows():
        table.add_row(*row)
    Console(width=120).print(table)
