"""Emotion (valence/arousal/dominance) and stress from heart signals; fusion of all sources.

Importing this package is cheap: it declares specs only. numpy/scipy load when the
``heart-emotion`` processor is built, torch only when a GRU/LSTM model is loaded, and
scikit-learn only to train the ``hrv-linear`` model.

* processor ``heart-emotion``: ``heart_beat`` events → ``Emotion`` events (≥ 1 Hz) with a
  heart-rate VAD model (:mod:`.hr_models`: ``hr-gru``, ``hr-lstm``, ``hrv-linear``);
* commands ``heartmind train`` and ``heartmind evaluate`` (leave-one-subject-out).

The bundled models (``data/*.hmm``) were trained on SYNTHETIC data: they show the
plumbing, not validated affect recognition. See ``docs/plugins/affect.md``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import heartmind
from heartmind import CommandSpec, Option, ProcessorSpec

from .cli import configure_evaluate, configure_train, run_evaluate, run_train
from .stress_specs import stress_specs

if TYPE_CHECKING:
    from .emotion_processor import HeartEmotionProcessor

__all__ = ["HEART_EMOTION_OPTIONS", "heartmind_commands", "heartmind_processors"]

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


def _heart_emotion(
    *, model: str, interval: float, window: float, baseline: float
) -> HeartEmotionProcessor:
    from .emotion_processor import HeartEmotionProcessor

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
    yield from stress_specs()  # ``stress`` and ``fusion`` (see .stress_specs)


@heartmind.hookimpl
def heartmind_commands() -> Iterator[CommandSpec]:
    """Declare ``heartmind train`` and ``heartmind evaluate``."""
    yield CommandSpec(
        name="train",
        factory=run_train,
        configure=configure_train,
        description="train a heart-rate VAD model (hr-gru, hr-lstm, hrv-linear) on a dataset",
    )
    yield CommandSpec(
        name="evaluate",
        factory=run_evaluate,
        configure=configure_evaluate,
        description="leave-one-subject-out evaluation of a heart-rate VAD model "
        "(accuracy, F1, AUROC, confusion and calibration plots)",
    )
