"""Offline functions and public classes of the stress plugin.

Other plugins and applications use the plugin through this module (and its events and
processor spec); everything else in the package is private.

    from heartmind.plugins.stress.api import calibrate, features_of, zscore_level

* features and the fixed z-score model: :func:`features_of`, :func:`zscore_level`,
  :data:`FEATURES`;
* per-user baseline: :class:`Calibration`, :class:`Calibrator`, :func:`calibrate`;
* the trained model: :class:`StressLogisticModel`, :func:`fit_stress_model`,
  :func:`z_matrix`; on a dataset: :func:`stress_table`, :func:`train_stress_model`,
  :func:`evaluate_loso`;
* streaming: :class:`StressProcessor` and its per-stream :class:`StressEstimator`.
"""

from __future__ import annotations

from heartmind.events import stress_label

from ._calibration import (
    FEATURE_NAMES,
    FEATURES,
    Z_CLIP,
    Calibration,
    Calibrator,
    FeatureSpec,
    FeatureStats,
    calibrate,
)
from ._logistic import StressLogisticModel, fit_stress_model, z_matrix
from ._processor import StressEstimate, StressEstimator, StressProcessor
from ._train import StressTable, evaluate_loso, stress_table, train_stress_model
from ._zscore import ZSCORE_MODEL, features_of, zscore_level

__all__ = [
    "FEATURES",
    "FEATURE_NAMES",
    "ZSCORE_MODEL",
    "Z_CLIP",
    "Calibration",
    "Calibrator",
    "FeatureSpec",
    "FeatureStats",
    "StressEstimate",
    "StressEstimator",
    "StressLogisticModel",
    "StressProcessor",
    "StressTable",
    "calibrate",
    "evaluate_loso",
    "features_of",
    "fit_stress_model",
    "stress_label",
    "stress_table",
    "train_stress_model",
    "z_matrix",
    "zscore_level",
]
