"""``heartmind train`` and ``heartmind evaluate``: heart-rate VAD models from a dataset.

    heartmind train --dataset wesad|dreamer|synthetic|lab --path P \\
        --model hr-gru|hr-lstm|hrv-linear [--epochs N] --out MODEL.hmm
    heartmind evaluate --dataset ... --path P --model ... [--epochs N] [--out DIR]

Results go to standard output; progress bars and logs to standard error. Everything
obtained on synthetic data is labelled so wherever it is printed or saved.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from heartmind.errors import ConfigError

__all__ = ["configure_evaluate", "configure_train", "load_dataset", "run_evaluate", "run_train"]

DATASETS = ("synthetic", "wesad", "dreamer", "lab")
MODEL_KINDS = ("hr-gru", "hr-lstm", "hrv-linear")
#: Reader functions of ``heartmind.datasets`` by dataset name (the first that exists).
_READERS: dict[str, tuple[str, ...]] = {
    "wesad": ("read_wesad", "load_wesad"),
    "dreamer": ("read_dreamer", "load_dreamer"),
    "lab": ("read_lab", "load_lab"),
}


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dataset", required=True, choices=DATASETS, help="dataset format")
    parser.add_argument(
        "--path", help="dataset file or folder (not needed for --dataset synthetic)"
    )
    parser.add_argument("--model", required=True, choices=MODEL_KINDS, help="model kind")
    parser.add_argument("--epochs", type=int, default=20, metavar="N", help="training epochs")
    parser.add_argument("--window", type=float, default=60.0, metavar="S", help="window (s)")
    parser.add_argument("--step", type=float, default=10.0, metavar="S", help="hop (s)")
    parser.add_argument("--seed", type=int, default=0, metavar="N", help="random seed")
    parser.add_argument(
        "--subjects", type=int, default=8, metavar="N", help="synthetic: number of subjects"
    )
    parser.add_argument(
        "--episode-duration",
        type=float,
        default=300.0,
        metavar="S",
        help="synthetic: length of each labelled episode (s)",
    )


def configure_train(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``heartmind train``."""
    _common(parser)
    parser.add_argument("--out", required=True, metavar="MODEL.hmm", help="model file to write")


def configure_evaluate(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``heartmind evaluate``."""
    _common(parser)
    parser.add_argument(
        "--out", default="heartmind-evaluation", metavar="DIR", help="folder for JSON and PNGs"
    )


def load_dataset(args: argparse.Namespace) -> Any:
    """The :class:`~heartmind.datasets.AffectiveDataset` named by ``--dataset``/``--path``."""
    import heartmind.datasets as datasets

    if args.dataset == "synthetic":
        return datasets.synthetic_affective(
            args.subjects, seed=args.seed, modalities=("ECG",), duration=args.episode_duration
        )
    if not args.path:
        raise ConfigError(f"--dataset {args.dataset} needs --path (the dataset file or folder).")
    if not Path(args.path).exists():
        raise ConfigError(
            f"--path {args.path} does not exist; point it at your {args.dataset} data."
        )
    for name in _READERS[args.dataset]:
        reader = getattr(datasets, name, None)
        if reader is not None:
            return reader(args.path)
    raise ConfigError(
        f"this heartmind has no {args.dataset} reader in heartmind.datasets; update heartmind."
    )


def _config(args: argparse.Namespace) -> dict[str, Any]:
    return {"window": float(args.window), "seed": int(args.seed)}


def _progress() -> Any:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[info]}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
    )


def _tag(synthetic: bool) -> str:
    return " [SYNTHETIC DATA]" if synthetic else ""


def run_train(args: argparse.Namespace, manager: Any = None) -> int:
    """``heartmind train``: fit a model on the whole dataset and save it."""
    from heartmind.cli.commands import stop_on_signals

    from .training import train

    stop_on_signals()
    dataset = load_dataset(args)
    with _progress() as bar:
        task = bar.add_task(f"training {args.model}", total=max(args.epochs, 1), info="")

        def progress(epoch: int, loss: float) -> None:
            bar.update(task, completed=epoch, info=f"loss {loss:.4f}")

        t0 = time.perf_counter()
        model = train(
            dataset,
            args.model,
            epochs=args.epochs,
            step=args.step,
            config=_config(args),
            progress=progress,
        )
        bar.update(task, completed=max(args.epochs, 1))
    path = model.save(args.out)
    print(
        f"trained {model.kind} '{model.info.name}' version {model.info.version} on "
        f"{dataset.name}{_tag(dataset.synthetic)}: {model.info.training['n_windows']} windows "
        f"of {len(dataset.subjects)} subjects, dims {', '.join(model.dims)}, "
        f"{time.perf_counter() - t0:.1f} s"
    )
    if dataset.synthetic:
        print(
            "note: trained on SYNTHETIC DATA; the model shows the plumbing, not validated "
            "affect recognition."
        )
    print(f"wrote {path}")
    return 0


def run_evaluate(args: argparse.Namespace, manager: Any = None) -> int:
    """``heartmind evaluate``: leave-one-subject-out metrics, JSON and PNG figures."""
    from heartmind.cli.commands import stop_on_signals

    from .evaluation import SYNTHETIC_NOTE, evaluate_loso
    from .plots import plot_calibration, plot_confusion

    stop_on_signals()
    dataset = load_dataset(args)
    n = len(dataset.subjects)
    with _progress() as bar:
        task = bar.add_task("LOSO folds", total=n * max(args.epochs, 1), info="")
        done: dict[str, int] = {}

        def progress(subject: str, epoch: int, epochs: int, loss: float) -> None:
            done[subject] = epoch
            bar.update(task, completed=sum(done.values()), info=f"held out {subject}")

        result = evaluate_loso(
            dataset,
            args.model,
            epochs=args.epochs,
            step=args.step,
            config=_config(args),
            progress=progress,
        )
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "metrics": out / "metrics.json",
        "confusion": plot_confusion(result.metrics, out / "confusion.png"),
        "calibration": plot_calibration(result.metrics, out / "calibration.png"),
    }
    files["metrics"].write_text(json.dumps(result.metrics, indent=2) + "\n")
    _print_table(result.metrics)
    if result.synthetic:
        print(f"note: {SYNTHETIC_NOTE}.")
    for name, path in files.items():
        print(f"wrote {name}: {path}")
    return 0


def _print_table(metrics: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=f"{metrics['model']} on {metrics['dataset']}{_tag(metrics['synthetic'])} — "
        f"leave-one-subject-out, {metrics['n_subjects']} subjects, "
        f"{metrics['n_windows']} windows"
    )
    for column in ("dimension", "windows", "accuracy", "F1", "AUROC", "chance", "MAE"):
        table.add_column(column, justify="right" if column != "dimension" else "left")
    for dim, m in metrics["dimensions"].items():
        auroc = "n/a" if m["auroc"] is None else f"{m['auroc']:.3f}"
        table.add_row(
            dim,
            str(m["n"]),
            f"{m['accuracy']:.3f}",
            f"{m['f1']:.3f}",
            auroc,
            f"{m['majority_rate']:.3f}",
            f"{m['score_mae']:.3f}",
        )
    Console(width=120).print(table)
