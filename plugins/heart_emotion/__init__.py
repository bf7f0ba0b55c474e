"""Emotion (valence/arousal/dominance) from heart beats: the ``heart-emotion`` processor and
its models.

* processor ``heart-emotion``: ``heart_beat`` events → ``Emotion`` events (≥ 1 Hz) with a
  heart-rate VAD model;
* model kinds ``hr-gru``, ``hr-lstm`` and ``hrv-linear`` (``heartmind models``), trained
  and evaluated (leave-one-subject-out) with ``heartmind train/evaluate --model KIND``.

Importing this package is cheap: it declares specs only. numpy/scipy load when the
processor is built, torch only when a GRU/LSTM model is used, and scikit-learn only to
train ``hrv-linear``. Offline functions and classes: :mod:`.api` (also importable from
here, loaded on first use).

The bundled models (``data/*.hmm``) were trained on SYNTHETIC data: they show the
plumbing, not validated affect recognition. See ``docs/plugins/heart-emotion.md``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import heartmind
from heartmind import ModelSpec, Option, ProcessorSpec

if TYPE_CHECKING:
    from heartmind.models import EvaluationReport, Model

    from ._processor import HeartEmotionProcessor

__all__ = ["HEART_EMOTION_OPTIONS", "heartmind_models", "heartmind_processors"]

_DATA = Path(__file__).parent / "data"

#: Options of the ``heart-emotion`` processor.
HEART_EMOTION_OPTIONS: dict[str, Option] = {
    "model": Option(
        str,
        "hr-gru-synthetic",
        "bundled model name (hr-gru-synthetic, hr-lstm-synthetic, hrv-linear-synthetic; "
        "trained on SYNTHETIC data) or path of a .hmm file from 'heartmind train'",
    ),
    "interval": Option(
        float,
        1.0,
        "seconds of sample time between Emotion events (s; <= 1 for >= 1 Hz)",
        min=0.05,
        max=1.0,
        unit="s",
    ),
    "window": Option(
        float, 0.0, "trailing window of beats (s); 0 = the model's own window", min=0.0, unit="s"
    ),
    "baseline": Option(
        float,
        120.0,
        "seconds at the start taken as the user's resting baseline (s); "
        "0 = the model's population baseline",
        min=0.0,
        max=3600.0,
        unit="s",
    ),
}

#: Model kinds: description of each.
_KINDS: dict[str, str] = {
    "hr-gru": "one-layer GRU over the heart-rate sequence (torch)",
    "hr-lstm": "one-layer LSTM over the heart-rate sequence (torch)",
    "hrv-linear": "HRV features -> ridge scores and logistic classes (scikit-learn to fit)",
}


#: A training run of seconds: 2 synthetic subjects, 60 s episodes, 30 s windows, 1 epoch.
_SMOKE = ("--dataset", "synthetic", "--subjects", "2", "--episode-duration", "60",
          "--window", "30", "--step", "15", "--epochs", "1")  # fmt: skip


def _heart_emotion(
    *, model: str, interval: float, window: float, baseline: float
) -> HeartEmotionProcessor:
    from ._processor import HeartEmotionProcessor

    return HeartEmotionProcessor(model=model, interval=interval, window=window, baseline=baseline)


@heartmind.hookimpl
def heartmind_processors() -> Iterator[ProcessorSpec]:
    """Declare the ``heart-emotion`` processor (``heart_beat`` → ``emotion``)."""
    yield ProcessorSpec(
        name="heart-emotion",
        events=("heart_beat",),
        outputs=("emotion",),
        factory=_heart_emotion,
        options=HEART_EMOTION_OPTIONS,
        description=(
            "Valence/arousal/dominance from heart beats (GRU, LSTM or HRV-linear model, "
            "per-user baseline), >= 1 Hz; excludes unusable and ectopic beats."
        ),
    )


def _model_class(kind: str) -> Any:
    def factory() -> type[Model]:
        from ._vad_models import KINDS

        return KINDS[kind]

    return factory


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
    """Declare the model kinds ``hr-gru``, ``hr-lstm`` and ``hrv-linear``."""
    for kind, what in _KINDS.items():
        yield ModelSpec(
            name=kind,
            task="emotion: valence, arousal, dominance (and stress where labelled)",
            inputs=("heart_beat",),
            outputs=("valence", "arousal", "dominance", "stress"),
            datasets=("synthetic", "wesad", "dreamer", "lab"),
            factory=_model_class(kind),
            train=_run_training,
            evaluate=_run_evaluation,
            configure=_add_arguments,
            bundled=(_DATA / f"{kind}-synthetic.hmm",),
            smoke=_SMOKE,
            used_by=("heart-emotion",),
            description=f"{what}; per-user baseline; scores in [-1, 1] and P(high).",
        )


def __getattr__(name: str) -> Any:
    """Re-export :mod:`.api` lazily (``from heartmind.plugins.heart_emotion import …``)."""
    from . import api

    if name in api.__all__:
        return getattr(api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
