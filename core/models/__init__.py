"""Models behind one small interface, saved in one versioned, pickle-free file format.

A model file (``*.hmm``) is a zip archive with two members:

* ``manifest.json`` — format version, model kind and kind version, the heartmind version
  that wrote it, and :class:`ModelInfo` (name, label names, inputs, preprocessing
  parameters, training-data description, metrics, whether it was trained on synthetic data
  and ``trained_on``: ``"synthetic"`` or the dataset's name);
* ``arrays.npz`` — every learned parameter as a named numpy array, read with
  ``allow_pickle=False``.

Nothing is ever unpickled: torch weights are stored as arrays (``state_dict`` → numpy) and
scikit-learn estimators as their fitted attributes. Loading a file of another format version,
of an unknown kind, or feeding a model an input it was not trained for gives a clear
:class:`ModelError`.

Every model kind is offered by a plugin through the ``heartmind_models`` hook
(:class:`heartmind.ModelSpec`); ``heartmind models`` lists them, ``heartmind train --model
KIND`` and ``heartmind evaluate --model KIND`` run the owner's training and evaluation.
"""

from __future__ import annotations

import importlib
from typing import Any

from .base import (
    FORMAT_VERSION,
    SYNTHETIC,
    Model,
    ModelError,
    ModelInfo,
    load_model,
    model_kinds,
    read_info,
)
from .report import EvaluationReport

__all__ = [
    "FORMAT_VERSION",
    "SYNTHETIC",
    "EvaluationReport",
    "Model",
    "ModelError",
    "ModelInfo",
    "load_model",
    "model_kinds",
    "read_info",
]

# The model kit (docs/models.md): metrics, splits, confidence, calibration, torch_utils,
# explain, training (+ training_data, early_stopping, progress), checkpoint, distributed.
# Loaded on first use, so importing heartmind.models imports neither torch nor scipy.
_KIT = {"calibration", "checkpoint", "confidence", "distributed", "early_stopping", "explain"}
_KIT |= {"metrics", "progress", "splits", "torch_utils", "training", "training_data"}


def __getattr__(name: str) -> Any:
    if name in _KIT:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
