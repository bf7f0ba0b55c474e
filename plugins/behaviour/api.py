"""Offline functions and public classes of the behaviour plugin.

Other plugins and applications use the plugin through this module (and its specs);
everything else in the package is private.

    from heartmind.plugins.behaviour.api import window_features, BehaviourLinearModel

* window features of KEYS/MOUSE streams: :func:`window_features`, :func:`keys_features`,
  :func:`mouse_features`, :data:`KEYS_FEATURES`, :data:`MOUSE_FEATURES`;
* models: :class:`BehaviourLinearModel`, :class:`UserBaseline`, :func:`bundled_model_path`;
* simulated users and training: :func:`user_data`, :func:`user_script`,
  :func:`train_behaviour_model`, :func:`held_out_metrics`;
* streaming: :class:`BehaviourEmotionProcessor`, :class:`BehaviourFeaturesProcessor`,
  :class:`SlidingWindows`, the live :class:`KeyboardSensor` / :class:`MouseSensor`.
"""

from __future__ import annotations

from ._capture import InputCaptureError, KeyboardSensor, MouseSensor
from ._emotion import BehaviourEmotionProcessor
from ._features import (
    FEATURE_STREAM_TYPES,
    KEYS_FEATURES,
    MIN_MOVES,
    MIN_PRESSES,
    MOUSE_FEATURES,
    Feature,
    feature_info,
    feature_names,
    gate_activity,
    keys_features,
    mouse_features,
    window_ends,
    window_features,
)
from ._model import (
    CLASS_TARGETS,
    REGRESSION_TARGETS,
    TARGETS,
    BehaviourLinearModel,
    UserBaseline,
    bundled_model_path,
)
from ._train import (
    FEATURES,
    TEST_SEEDS,
    TRAIN_SEEDS,
    UserData,
    held_out_metrics,
    user_data,
    user_script,
)
from ._train import train as train_behaviour_model
from ._windows import BehaviourFeaturesProcessor, SlidingWindows

__all__ = [
    "CLASS_TARGETS",
    "FEATURES",
    "FEATURE_STREAM_TYPES",
    "KEYS_FEATURES",
    "MIN_MOVES",
    "MIN_PRESSES",
    "MOUSE_FEATURES",
    "REGRESSION_TARGETS",
    "TARGETS",
    "TEST_SEEDS",
    "TRAIN_SEEDS",
    "BehaviourEmotionProcessor",
    "BehaviourFeaturesProcessor",
    "BehaviourLinearModel",
    "Feature",
    "InputCaptureError",
    "KeyboardSensor",
    "MouseSensor",
    "SlidingWindows",
    "UserBaseline",
    "UserData",
    "bundled_model_path",
    "feature_info",
    "feature_names",
    "gate_activity",
    "held_out_metrics",
    "keys_features",
    "mouse_features",
    "train_behaviour_model",
    "user_data",
    "user_script",
    "window_ends",
    "window_features",
]
