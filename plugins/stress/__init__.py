"""Stress from heart-rate variability (and EDA), relative to the user's own baseline.

* processor ``stress``: ``hrv`` (+ ``skin_conductance``, ``signal_quality``) events →
  ``Stress`` events, with a per-user calibrated baseline (saved 0600, drift-aware) and the
  fixed z-score model or a trained ``stress-logistic`` model;
* model kind ``stress-logistic`` (``heartmind models``), trained and evaluated
  (leave-one-subject-out) with ``heartmind train/evaluate --model stress-logistic``.

Importing this package is cheap: it declares specs only (numpy loads in the factories).
Offline functions and classes: :mod:`.api` (also importable from here, loaded on first
use). See ``docs/plugins/stress.md``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import heartmind
from heartmind.specs import ModelSpec, Option, ProcessorSpec

if TYPE_CHECKING:
    from heartmind.models import EvaluationReport, Model

    from ._processor import StressProcessor

__all__ = ["STRESS_OPTIONS", "heartmind_models", "heartmind_processors"]

#: Options of the ``stress`` processor.
STRESS_OPTIONS: dict[str, Option] = {
    "calibration": Option(
        float,
        180.0,
        "rest period at the start of each beat stream forming the user's baseline (s); "
        "0 needs an existing calibration_file",
        min=0.0,
        max=86400.0,
        unit="s",
    ),
    "calibration_file": Option(
        str, "", "JSON baseline: read if it exists, else written (mode 0600) after the rest"
    ),
    "model": Option(str, "", "stress-logistic .hmm model; default: the z-score model"),
    "interval": Option(
        float,
        0.0,
        "least s between Stress events of a stream; 0 = every HRV update",
        min=0.0,
        unit="s",
    ),
    "drift": Option(
        float,
        1800.0,
        "time constant of the baseline drift EWMA (s); 0 = no drift",
        min=0.0,
        unit="s",
    ),
    "max_drift": Option(
        float, 1.0, "largest baseline drift, in baseline standard deviations", min=0.0, unit="SD"
    ),
    "drift_below": Option(
        float, 1 / 3, "the baseline drifts only while the level is below this", min=0, max=1
    ),
}


#: A training run of seconds: 2 synthetic subjects, 100 s episodes, 60 s HRV windows.
_SMOKE = ("--dataset", "synthetic", "--subjects", "2", "--episode-duration", "100",
          "--window", "60", "--step", "20")  # fmt: skip


def _stress(**options: Any) -> StressProcessor:
    from ._processor import StressProcessor

    return StressProcessor(**options)


@heartmind.hookimpl
def heartmind_processors() -> Iterator[ProcessorSpec]:
    """Declare the ``stress`` processor (``hrv`` → ``stress``)."""
    yield ProcessorSpec(
        name="stress",
        events=("hrv", "skin_conductance", "signal_quality"),
        outputs=("stress",),
        factory=_stress,
        options=STRESS_OPTIONS,
        description=(
            "Stress level/label from HRV (+ EDA) relative to the user's calibrated baseline "
            "(saved 0600, drift-aware); z-score model or a trained stress-logistic model."
        ),
    )


def _model_class() -> type[Model]:
    from ._logistic import StressLogisticModel

    return StressLogisticModel


def _add_arguments(parser: Any) -> None:
    from ._cli import configure

    configure(parser)


def _run_training(args: Any) -> Model:
    from ._cli import train

    return train(args)


def _run_evaluation(args: Any) -> EvaluationReport:
    from ._cli import evaluate

    return evaluate(args)


@heartmind.hookimpl
def heartmind_models() -> Iterator[ModelSpec]:
    """Declare the model kind ``stress-logistic`` (no file ships: train one)."""
    yield ModelSpec(
        name="stress-logistic",
        task="stress: P(stress) from HRV relative to the user's baseline",
        inputs=("hrv",),
        outputs=("stress",),
        datasets=("synthetic", "wesad", "lab"),
        factory=_model_class,
        train=_run_training,
        evaluate=_run_evaluation,
        configure=_add_arguments,
        smoke=_SMOKE,
        used_by=("stress",),
        description=(
            "L2 logistic regression on the stress processor's signed z-features (heart "
            "rate, ln RMSSD, ln HF, ln LF/HF, ln stress index); the processor's 'model' option."
        ),
    )


def __getattr__(name: str) -> Any:
    """Re-export :mod:`.api` lazily (``from heartmind.plugins.stress import …``)."""
    from . import api

    if name in api.__all__:
        return getattr(api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
