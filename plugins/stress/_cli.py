"""``heartmind train/evaluate --model stress-logistic``: arguments and glue.

    heartmind train    --model stress-logistic --dataset wesad|synthetic|… [--path P]
                       [--window S] [--step S] [--l2 X] --out MODEL.hmm
    heartmind evaluate --model stress-logistic --dataset … [--path P] [--out DIR]

The trained file is the ``model`` option of the ``stress`` processor.
"""

from __future__ import annotations

import argparse

from heartmind.datasets import add_dataset_arguments, dataset_from_args
from heartmind.models import EvaluationReport

from ._logistic import StressLogisticModel

__all__ = ["configure", "evaluate", "train"]


def configure(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``heartmind train``/``evaluate --model stress-logistic``."""
    add_dataset_arguments(parser, ("synthetic", "wesad", "lab"))  # DREAMER has no stress
    parser.add_argument(
        "--window",
        type=float,
        default=90.0,
        metavar="S",
        help="HRV window (s), as the hrv processor's",
    )
    parser.add_argument("--step", type=float, default=10.0, metavar="S", help="HRV step (s)")
    parser.add_argument("--l2", type=float, default=1.0, metavar="X", help="ridge penalty")
    parser.add_argument("--seed", type=int, default=0, metavar="N", help="synthetic: seed")


def train(args: argparse.Namespace) -> StressLogisticModel:
    """Fit ``stress-logistic`` on every stress-labelled HRV window of the dataset."""
    from ._train import train_stress_model

    dataset = dataset_from_args(args)
    return train_stress_model(dataset, window=args.window, step=args.step, l2=args.l2)


def evaluate(args: argparse.Namespace) -> EvaluationReport:
    """Leave-one-subject-out AUROC of ``stress-logistic`` beside the z-score model's."""
    from ._train import evaluate_loso

    dataset = dataset_from_args(args)
    metrics = evaluate_loso(dataset, window=args.window, step=args.step, l2=args.l2)
    rows = [
        (name, m["n"], m["auroc"], m["accuracy"], m["majority_rate"])
        for name, m in metrics["models"].items()
    ]
    return EvaluationReport(
        model=args.model,
        dataset=metrics["dataset"],
        synthetic=metrics["synthetic"],
        method=f"leave-one-subject-out, {metrics['n_subjects']} subjects, "
        f"{metrics['n_windows']} HRV windows",
        metrics=metrics,
        columns=("model", "windows", "AUROC", "accuracy", "chance"),
        rows=rows,
    )
