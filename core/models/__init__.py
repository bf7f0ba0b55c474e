"""Models behind one small interface, saved in one versioned, pickle-free file format.

A model file (``*.hmm``) is a zip archive with two members:

* ``manifest.json`` — format version, model kind and kind version, the heartmind version
  that wrote it, and :class:`ModelInfo` (name, label names, inputs, preprocessing
  parameters, training-data description, metrics, whether it was trained on synthetic data);
* ``arrays.npz`` — every learned parameter as a named numpy array, read with
  ``allow_pickle=False``.

Nothing is ever unpickled: torch weights are stored as arrays (``state_dict`` → numpy) and
scikit-learn estimators as their fitted attributes. Loading a file of another format version,
of an unknown kind, or feeding a model an input it was not trained for gives a clear
:class:`ModelError`.
"""

from __future__ import annotations

from .base import FORMAT_VERSION, Model, ModelError, ModelInfo, load_model, model_kinds

__all__ = ["FORMAT_VERSION", "Model", "ModelError", "ModelInfo", "load_model", "model_kinds"]
