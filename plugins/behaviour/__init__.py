"""Keyboard and mouse behaviour: timing-only capture, window features, emotion/stress models.

* ``keyboard`` and ``mouse`` sensors (live, pynput): **timings and coarse key classes
  only**, never which key. They need ``consent=true``; by default only window features
  leave them (``KEYS_FEATURES``/``MOUSE_FEATURES`` streams); the raw timing streams
  (``KEYS``/``MOUSE`` layouts) need ``raw_timings=true`` as a second opt-in.
* ``behaviour-features`` processor: KEYS/MOUSE streams (simulator, replay) → feature streams.
* ``behaviour-emotion`` processor: raw or feature streams → ``Emotion`` and ``Stress``
  events (modality ``"behaviour"``), z-scored against the user's own baseline; the bundled
  model is trained on the simulator only (synthetic, not validated on people);
* model kind ``behaviour-linear`` (``heartmind models``), trained and evaluated on
  simulated users with ``heartmind train/evaluate --model behaviour-linear``.

Importing this package is cheap: pynput, scikit-learn and the model load in the factories
and in ``Sensor.start``. Offline features and classes: :mod:`.api` (also importable from
here, loaded on first use).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import heartmind
from heartmind import ModelSpec, Option, ProcessorSpec, SensorSpec

if TYPE_CHECKING:
    from heartmind.models import EvaluationReport, Model

    from ._capture import KeyboardSensor, MouseSensor
    from ._emotion import BehaviourEmotionProcessor
    from ._windows import BehaviourFeaturesProcessor

__all__ = [
    "EMOTION_OPTIONS",
    "FEATURES_OPTIONS",
    "SENSOR_OPTIONS",
    "heartmind_models",
    "heartmind_processors",
    "heartmind_sensors",
]

_WINDOW = Option(float, 60.0, "feature window length (s)", min=0.5, max=3600.0, unit="s")
_STEP = Option(float, 10.0, "step between feature windows (s)", min=0.1, max=3600.0, unit="s")

#: Options of the ``keyboard`` and ``mouse`` sensors.
SENSOR_OPTIONS: dict[str, Option] = {
    "consent": Option(
        bool,
        False,
        "required: true once the person at this computer agreed to timing capture",
    ),
    "raw_timings": Option(
        bool, False, "also emit the raw timing stream (KEYS/MOUSE layout); second opt-in"
    ),
    "window": _WINDOW,
    "step": _STEP,
    "buffer_size": Option(
        int, 10000, "input events buffered between reads before drops (counted)", min=16
    ),
    "name_prefix": Option(str, "", "streams are named <prefix>-<TYPE>; default: sensor kind"),
}

#: Options of the ``behaviour-features`` processor.
FEATURES_OPTIONS: dict[str, Option] = {"window": _WINDOW, "step": _STEP}

#: Options of the ``behaviour-emotion`` processor.
EMOTION_OPTIONS: dict[str, Option] = {
    "model": Option(str, "", "behaviour-linear .hmm file; default: bundled synthetic model"),
    "baseline": Option(
        float,
        120.0,
        "s of feature windows forming the user's baseline",
        min=0.0,
        max=86400.0,
        unit="s",
    ),
    "baseline_file": Option(
        str, "", "JSON of the user's baseline: read if present, else written (mode 0600)"
    ),
}


def _keyboard(**options: Any) -> KeyboardSensor:
    from ._capture import KeyboardSensor

    return KeyboardSensor(**options)


def _mouse(**options: Any) -> MouseSensor:
    from ._capture import MouseSensor

    return MouseSensor(**options)


def _build_features(*, window: float, step: float) -> BehaviourFeaturesProcessor:
    from ._windows import BehaviourFeaturesProcessor

    return BehaviourFeaturesProcessor(window=window, step=step)


def _build_emotion(*, model: str, baseline: float, baseline_file: str) -> BehaviourEmotionProcessor:
    from ._emotion import BehaviourEmotionProcessor

    return BehaviourEmotionProcessor(model=model, baseline=baseline, baseline_file=baseline_file)


@heartmind.hookimpl
def heartmind_sensors() -> Iterator[SensorSpec]:
    """Declare the live ``keyboard`` and ``mouse`` sensors (pynput; consent required)."""
    for name, factory, kind in (("keyboard", _keyboard, "KEYS"), ("mouse", _mouse, "MOUSE")):
        yield SensorSpec(
            name=name,
            produces=(f"{kind}_FEATURES", kind),
            factory=factory,
            options=SENSOR_OPTIONS,
            description=(
                f"Live {name} timings via pynput (X display needed); needs consent=true. "
                f"Emits window features; raw {kind} timings only with raw_timings=true. "
                "Never records which key."
            ),
        )


@heartmind.hookimpl
def heartmind_processors() -> Iterator[ProcessorSpec]:
    """Declare ``behaviour-features`` and ``behaviour-emotion``."""
    yield ProcessorSpec(
        name="behaviour-features",
        inputs=("KEYS", "MOUSE"),
        outputs=("KEYS_FEATURES", "MOUSE_FEATURES"),
        factory=_build_features,
        options=FEATURES_OPTIONS,
        description="Keyboard/mouse window features (dwell, flight, speed, jerk, …).",
    )
    yield ProcessorSpec(
        name="behaviour-emotion",
        inputs=("KEYS", "MOUSE", "KEYS_FEATURES", "MOUSE_FEATURES"),
        outputs=("emotion", "stress"),
        factory=_build_emotion,
        options=EMOTION_OPTIONS,
        description=(
            "Emotion and stress (modality 'behaviour') from keyboard/mouse features, "
            "z-scored against the user's baseline; bundled model is synthetic."
        ),
    )


#: Outputs of ``behaviour-linear``, in order (class probabilities, then VAD values).
_OUTPUTS = ("stress", "valence_high", "arousal_high", "dominance_high",
            "valence", "arousal", "dominance")  # fmt: skip


def _model_class() -> type[Model]:
    from ._model import BehaviourLinearModel

    return BehaviourLinearModel


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
    """Declare the model kind ``behaviour-linear`` (bundled file trained on the simulator)."""
    yield ModelSpec(
        name="behaviour-linear",
        task="emotion and stress from keyboard/mouse behaviour",
        inputs=("KEYS", "MOUSE", "KEYS_FEATURES", "MOUSE_FEATURES"),
        outputs=_OUTPUTS,
        datasets=("simulator",),
        factory=_model_class,
        train=_run_training,
        evaluate=_run_evaluation,
        configure=_add_arguments,
        bundled=(Path(__file__).parent / "data" / "behaviour-linear-synthetic.hmm",),
        smoke=("--users", "2", "--test-users", "1"),
        used_by=("behaviour-emotion",),
        description=(
            "Per-user baseline z-scores of window features -> logistic (stress, high/low "
            "VAD) and ridge (VAD) models; numpy to predict, scikit-learn to fit."
        ),
    )


def __getattr__(name: str) -> Any:
    """Re-export :mod:`.api` lazily (``from heartmind.plugins.behaviour import …``)."""
    from . import api

    if name in api.__all__:
        return getattr(api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
