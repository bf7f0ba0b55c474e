"""``heartmind train/evaluate --model behaviour-linear``: arguments and glue.

    heartmind train    --model behaviour-linear [--users N] [--test-users M] --out MODEL.hmm
    heartmind evaluate --model behaviour-linear [--users N] [--test-users M] [--out DIR]

Training users have seeds 1…N, held-out users 101…100+M (simulated KEYS/MOUSE streams,
SYNTHETIC). The defaults (12 and 4) reproduce the bundled file.
"""

from __future__ import annotations

import argparse

from heartmind.models import EvaluationReport

from ._model import BehaviourLinearModel

__all__ = ["configure", "evaluate", "train"]


def configure(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``heartmind train``/``evaluate --model behaviour-linear``."""
    parser.add_argument(
        "--users", type=int, default=12, metavar="N", help="simulated training users (seeds 1..N)"
    )
    parser.add_argument(
        "--test-users",
        type=int,
        default=4,
        metavar="M",
        help="simulated held-out users (seeds 101..100+M) for the stored metrics",
    )


def _seeds(args: argparse.Namespace) -> tuple[tuple[int, ...], tuple[int, ...]]:
    from heartmind.errors import ConfigError

    if args.users < 2 or args.test_users < 1:
        raise ConfigError("--users must be >= 2 and --test-users >= 1.")
    return tuple(range(1, args.users + 1)), tuple(range(101, 101 + args.test_users))


def train(args: argparse.Namespace) -> BehaviourLinearModel:
    """Train on simulated users (the core saves the model)."""
    from ._train import train as train_model

    return train_model(*_seeds(args))


def evaluate(args: argparse.Namespace) -> EvaluationReport:
    """Held-out AUROC, accuracy and chance rate of every class target."""
    from ._train import held_out_metrics
    from ._train import train as train_model

    train_seeds, test_seeds = _seeds(args)
    model = train_model(train_seeds, test_seeds)
    per_target = held_out_metrics(model, test_seeds)
    metrics = {
        "dataset": "simulator",
        "synthetic": True,
        "training_users": list(train_seeds),
        "held_out_users": list(test_seeds),
        "targets": per_target,
    }
    rows = [
        (name, int(m["n"]), m["auroc"], m["accuracy"], m["majority_rate"])
        for name, m in per_target.items()
    ]
    return EvaluationReport(
        model=args.model,
        dataset="simulator",
        synthetic=True,
        method=f"trained on {len(train_seeds)} simulated users, {len(test_seeds)} held out",
        metrics=metrics,
        columns=("target", "windows", "AUROC", "accuracy", "chance"),
        rows=rows,
    )
