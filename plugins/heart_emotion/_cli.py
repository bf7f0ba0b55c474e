"""Training and evaluation of the heart-rate VAD kinds for ``heartmind train``/``evaluate``.

    heartmind train    --model hr-gru|hr-lstm|hrv-linear --dataset wesad|dreamer|synthetic|lab \\
                       --path P [--epochs N] [--window S] [--step S] [--seed N] --out MODEL.hmm
    heartmind evaluate --model ... --dataset ... --path P [--epochs N] [--out DIR]

The core command line parses ``--model`` and ``--out``, saves the model and prints the
report; this module adds the kinds' arguments and does the work. Progress bars go to
standard error. Everything obtained on synthetic data is labelled so.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from heartmind.datasets import add_dataset_arguments, dataset_from_args
from heartmind.models import EvaluationReport

from ._vad_models import HeartVADModel

__all__ = ["configure", "evaluate", "train"]


def configure(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``heartmind train``/``evaluate`` for ``hr-gru``, ``hr-lstm``, ``hrv-linear``."""
    add_dataset_arguments(parser)
    parser.add_argument("--epochs", type=int, default=20, metavar="N", help="training epochs")
    parser.add_argument("--window", type=float, default=60.0, metavar="S", help="window (s)")
    parser.add_argument("--step", type=float, default=10.0, metavar="S", help="hop (s)")
    parser.add_argument("--seed", type=int, default=0, metavar="N", help="random seed")


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


def train(args: argparse.Namespace) -> HeartVADModel:
    """Fit a model of ``args.model`` on the whole dataset (the core saves it)."""
    from ._train import train as train_model

    dataset = dataset_from_args(args)
    with _progress() as bar:
        task = bar.add_task(f"training {args.model}", total=max(args.epochs, 1), info="")

        def progress(epoch: int, loss: float) -> None:
            bar.update(task, completed=epoch, info=f"loss {loss:.4f}")

        model = train_model(
            dataset,
            args.model,
            epochs=args.epochs,
            step=args.step,
            config=_config(args),
            progress=progress,
        )
        bar.update(task, completed=max(args.epochs, 1))
    return model


def evaluate(args: argparse.Namespace) -> EvaluationReport:
    """Leave-one-subject-out metrics of ``args.model``, with confusion and calibration PNGs."""
    from ._loso import evaluate_loso
    from ._plots import plot_calibration, plot_confusion

    dataset = dataset_from_args(args)
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
    metrics = result.metrics
    rows = [
        (dim, m["n"], m["accuracy"], m["f1"], m["auroc"], m["majority_rate"], m["score_mae"])
        for dim, m in metrics["dimensions"].items()
    ]
    return EvaluationReport(
        model=args.model,
        dataset=metrics["dataset"],
        synthetic=metrics["synthetic"],
        method=f"leave-one-subject-out, {metrics['n_subjects']} subjects, "
        f"{metrics['n_windows']} windows",
        metrics=metrics,
        columns=("dimension", "windows", "accuracy", "F1", "AUROC", "chance", "MAE"),
        rows=rows,
        files={
            "confusion": plot_confusion(metrics, out / "confusion.png"),
            "calibration": plot_calibration(metrics, out / "calibration.png"),
        },
    )
