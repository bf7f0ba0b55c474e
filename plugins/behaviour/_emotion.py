"""The ``behaviour-emotion`` processor: keyboard/mouse features → ``Emotion`` and ``Stress``.

It takes raw KEYS/MOUSE streams (simulator, replay, sensors with ``raw_timings``) — and
computes their window features itself — or the feature streams of the ``keyboard`` and
``mouse`` sensors. The first ``baseline`` s of feature windows are the user's baseline
(:class:`~._model.UserBaseline`); after it, every step gives one
``Emotion`` and one ``Stress`` event (modality ``"behaviour"``).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import numpy.typing as npt

from heartmind.components import Context, Output, Processor
from heartmind.errors import ConfigError
from heartmind.events import Emotion, Stress, stress_label
from heartmind.models import ModelError
from heartmind.streams import Chunk

from ._features import FEATURE_STREAM_TYPES, MIN_MOVES, MIN_PRESSES, feature_names
from ._model import CLASS_TARGETS, BehaviourLinearModel, UserBaseline, bundled_model_path
from ._windows import SlidingWindows

__all__ = ["BehaviourEmotionProcessor"]

log = logging.getLogger(__name__)

Array = npt.NDArray[np.float64]
_KIND_OF = {**{v: k for k, v in FEATURE_STREAM_TYPES.items()}, "KEYS": "KEYS", "MOUSE": "MOUSE"}


class BehaviourEmotionProcessor(Processor):
    """Emotion and stress from keyboard/mouse behaviour (see the module docstring).

    Parameters
    ----------
    model
        Path of a ``behaviour-linear`` ``.hmm`` file; empty: the bundled synthetic model.
    baseline
        Seconds of feature windows (from the first one) that form the user's baseline.
    baseline_file
        JSON file of the user's baseline: read if it exists (no new baseline is recorded),
        else written once the baseline is complete. Empty: keep it in memory only.
    """

    def __init__(self, model: str = "", baseline: float = 120.0, baseline_file: str = "") -> None:
        path = Path(model) if model else bundled_model_path()
        loaded = BehaviourLinearModel.load(path)
        if loaded.info.synthetic:
            log.info("%s was trained on synthetic data only: not validated on people", path)
        self.model = loaded
        self.features: list[str] = list(loaded.config.get("features", []))
        if not self.features:
            raise ModelError(f"{path}: the model lists no input features; retrain it.")
        self.window = float(loaded.config.get("window", 60.0))
        self.step = float(loaded.config.get("step", 10.0))
        self.baseline_s = float(baseline)
        self.baseline_file = Path(baseline_file) if baseline_file else None
        self.user_baseline: UserBaseline | None = None
        self._collected: list[Array] = []
        self._first: float | None = None
        self._last_emit = -math.inf
        self._latest: dict[str, tuple[float, Array]] = {}
        self._windows: dict[str, SlidingWindows] = {}
        self._name = "behaviour-emotion"

    def start(self, context: Context) -> None:
        self._name = context.name
        if self.baseline_file is not None and self.baseline_file.exists():
            self.user_baseline = UserBaseline.load(self.baseline_file, self.features)
            log.info("%s: using the stored user baseline %s", self._name, self.baseline_file)

    # ------------------------------------------------------------------ input

    def process(self, chunk: Chunk) -> Iterable[Output]:
        kind = _KIND_OF.get(chunk.info.type)
        if kind is None:
            raise ConfigError(
                f"{self._name}: stream {chunk.info.name!r} is {chunk.info.type}; give KEYS, "
                "MOUSE, KEYS_FEATURES or MOUSE_FEATURES streams."
            )
        if not len(chunk):
            return ()
        ends, rows = self._rows(kind, chunk)
        out: list[Output] = []
        for end, row in zip(ends, rows, strict=True):
            self._latest[kind] = (float(end), row)
            out.extend(self._step(float(end)))
        return out

    def _rows(self, kind: str, chunk: Chunk) -> tuple[Array, Array]:
        if chunk.info.type in FEATURE_STREAM_TYPES.values():
            if chunk.info.channels != feature_names(kind):
                raise ConfigError(
                    f"{self._name}: stream {chunk.info.name!r} does not have the feature "
                    "channels of this heartmind version; use matching versions."
                )
            return chunk.timestamps, chunk.data.astype(np.float64)
        win = self._windows.get(chunk.info.name)
        if win is None:
            win = self._windows[chunk.info.name] = SlidingWindows(kind, self.window, self.step)
            win.set_origin(chunk.first_timestamp)
        win.add(chunk.timestamps, chunk.data)
        return win.due(chunk.last_timestamp)

    def _vector(self, now: float) -> tuple[Array, float]:
        """Model input (NaN = modality missing or idle) and the share of modalities present."""
        parts, present = [], 0
        for kind, minimum in (("KEYS", MIN_PRESSES), ("MOUSE", MIN_MOVES)):
            n = len(feature_names(kind))
            latest = self._latest.get(kind)
            if latest is None or now - latest[0] > self.step * 1.5 or latest[1][0] < minimum:
                parts.append(np.full(n, np.nan))
            else:
                parts.append(latest[1])
                present += 1
        return np.concatenate(parts), present / 2

    # ------------------------------------------------------------------ output

    def _step(self, now: float) -> list[Output]:
        if now < self._last_emit + self.step * 0.5:
            return []
        vector, coverage = self._vector(now)
        if coverage == 0:
            return []
        self._last_emit = now
        if self.user_baseline is None:
            self._collect(now, vector)
            return []
        z = self.user_baseline.transform(vector, float(self.model.config.get("clip", 5.0)))
        return self._events(now, self.model.predict(z)[0], coverage)

    def _collect(self, now: float, vector: Array) -> None:
        if self._first is None:
            self._first = now
            log.info("%s: recording the user's baseline (%g s)", self._name, self.baseline_s)
        self._collected.append(vector)
        if now - self._first < self.baseline_s:
            return
        try:
            self.user_baseline = UserBaseline.fit(self.features, np.vstack(self._collected))
        except ConfigError:
            return  # no activity yet: keep collecting
        log.info("%s: baseline complete (%d windows)", self._name, len(self._collected))
        if self.baseline_file is not None:
            self.user_baseline.save(self.baseline_file)

    def _events(self, now: float, out: Array, coverage: float) -> list[Output]:
        n = len(CLASS_TARGETS)
        prob, values = out[:n], out[n:]
        margin = np.abs(2.0 * prob - 1.0)
        name, version = self.model.info.name, self.model.info.version
        level = float(prob[0])
        return [
            Emotion(
                timestamp=now,
                source=self._name,
                modality="behaviour",
                valence=float(values[0]),
                arousal=float(values[1]),
                dominance=float(values[2]),
                confidence=float(margin[1:].mean() * coverage),
                model=name,
                model_version=version,
            ),
            Stress(
                timestamp=now,
                source=self._name,
                modality="behaviour",
                level=level,
                label=stress_label(level),
                confidence=float(margin[0] * coverage),
                model=name,
            ),
        ]
