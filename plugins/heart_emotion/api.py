"""Offline functions and public classes of the heart-emotion plugin.

Other plugins and applications use the plugin through this module (and its processor
spec); everything else in the package is private.

    from heartmind.plugins.heart_emotion.api import load_heart_model, baseline_from_beats

* models: :class:`HeartVADModel` (``hr-gru``, ``hr-lstm``, ``hrv-linear``),
  :func:`load_heart_model`, :func:`bundled_models`;
* inputs: :class:`Baseline`, :func:`baseline_from_beats`, :func:`hr_sequence`,
  :func:`hrv_features`, :func:`window_completeness`;
* training on a dataset: :func:`train_heart_model`, :func:`subject_beats`,
  :func:`build_windows`; evaluation: :func:`evaluate_loso`;
* streaming: :class:`HeartEmotionProcessor` (built by the ``heart-emotion`` spec).
"""

from __future__ import annotations

from ._beat_features import (
    HRV_FEATURES,
    SEQUENCE_CHANNELS,
    Baseline,
    baseline_from_beats,
    hr_sequence,
    hrv_features,
    window_beats,
    window_completeness,
)
from ._loso import Evaluation, evaluate_loso
from ._processor import HeartEmotionProcessor
from ._train import build_windows, dataset_dims, subject_beats
from ._train import train as train_heart_model
from ._vad_models import (
    DEFAULT_DIMS,
    HeartVADModel,
    HRGRUModel,
    HRLSTMModel,
    HRVLinearModel,
    bundled_models,
    load_heart_model,
    make_model,
)

__all__ = [
    "DEFAULT_DIMS",
    "HRV_FEATURES",
    "SEQUENCE_CHANNELS",
    "Baseline",
    "Evaluation",
    "HRGRUModel",
    "HRLSTMModel",
    "HRVLinearModel",
    "HeartEmotionProcessor",
    "HeartVADModel",
    "baseline_from_beats",
    "build_windows",
    "bundled_models",
    "dataset_dims",
    "evaluate_loso",
    "hr_sequence",
    "hrv_features",
    "load_heart_model",
    "make_model",
    "subject_beats",
    "train_heart_model",
    "window_beats",
    "window_completeness",
]
