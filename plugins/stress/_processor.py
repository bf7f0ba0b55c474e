"""The ``stress`` processor: HRV (and EDA) relative to the user's baseline → ``Stress`` events.

Features and the fixed z-score model: :mod:`._zscore`. Per beat stream the processor keeps
a calibrated baseline (:mod:`._calibration`) and turns each ``HRV`` update into a level.

**Calibration.** The first ``calibration`` s of HRV updates of a stream are a rest period:
their robust statistics (:class:`~._calibration.Calibration`) are the user's baseline. With
``calibration_file`` the baseline is read from that JSON file if it exists (no rest period
is needed), else written there (mode 0600) once the rest period ends; the drift-updated
baseline is written back at the end of the session. **Before calibration completes the
processor emits nothing** (it logs when the baseline is ready).

With ``model`` (a ``stress-logistic`` ``.hmm`` file, :mod:`._logistic`) the level is that
model's probability on the same z-features instead of the z-score model's.

**Drift.** While the level stays below ``drift_below``, each baseline mean moves towards the
current value as an EWMA with time constant ``drift`` s (weight ``Δt / drift`` per update),
never further than ``max_drift`` baseline sds from the calibrated value.

**Confidence** = signal quality (latest ``SignalQuality.quality`` of the beat stream; 1 if
none) × beats (``min(1, n_beats / 60)``) × share of the feature weight present ×
calibration completeness (``min(1, duration / 120 s) · min(1, n / 5)``; 1 for a file) ×
certainty (``0.5 + 0.5 · |2 · level − 1|``). Label: low < 1/3 ≤ moderate < 2/3 ≤ high.
"""

from __future__ import annotations

import copy
import logging
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from heartmind.components import Context, Output, Processor
from heartmind.errors import ConfigError
from heartmind.events import HRV, Event, SignalQuality, Stress, stress_label
from heartmind.streams import Chunk

from ._calibration import FEATURES, Z_CLIP, Calibration, Calibrator
from ._logistic import StressLogisticModel
from ._zscore import ZSCORE_MODEL, features_of, zscore_level

__all__ = ["StressEstimate", "StressEstimator", "StressProcessor"]

log = logging.getLogger(__name__)

_EDA_TIMEOUT = 60.0  # s: older skin_conductance events are ignored
_QUALITY_TIMEOUT = 60.0  # s: older SignalQuality events are ignored
_FULL_BEATS = 60
_SPECS = {f.name: f for f in FEATURES}


@dataclass(frozen=True)
class StressEstimate:
    """One stress estimate: level, confidence, the z-scores it came from and the modality."""

    timestamp: float
    level: float
    confidence: float
    z: dict[str, float]
    modality: str


class StressEstimator:
    """Stress of one beat stream from HRV updates (the processor's per-stream state).

    Parameters
    ----------
    calibration_s
        Rest period in s from the first HRV update; ignored when ``calibration`` is given.
    calibration
        A ready baseline (e.g. loaded from a file).
    model
        A trained model; None = the z-score model.
    drift, max_drift, drift_below
        Drift time constant (s; 0 = off), bound (baseline sds) and level threshold.
    """

    def __init__(
        self,
        calibration_s: float,
        calibration: Calibration | None = None,
        model: StressLogisticModel | None = None,
        drift: float = 1800.0,
        max_drift: float = 1.0,
        drift_below: float = 1 / 3,
    ) -> None:
        self.calibration_s = calibration_s
        self.calibration = calibration
        self.from_file = calibration is not None
        self.model = model
        self.drift, self.max_drift, self.drift_below = drift, max_drift, drift_below
        self.calibrator = Calibrator()
        self.first: float | None = None
        self.last_t: float | None = None
        self.newly_calibrated = False

    def update(
        self, hrv: HRV, eda: Event | None = None, quality: float = 1.0
    ) -> StressEstimate | None:
        """Take one HRV update; return an estimate once the baseline is known, else None."""
        values = features_of(hrv, eda)
        t = hrv.timestamp
        self.first = t if self.first is None else self.first
        if self.calibration is None:
            if t - self.first <= self.calibration_s or not self.calibrator.ready():
                self.calibrator.add(values)
                return None
            self.calibration = self.calibrator.finish(t - self.first, hrv.source)
            self.newly_calibrated = True
        est = self._estimate(hrv, values, quality)
        if self.drift > 0 and est.level < self.drift_below and self.last_t is not None:
            self.calibration.drift(values, (t - self.last_t) / self.drift, self.max_drift)
        self.last_t = t
        return est

    def _estimate(self, hrv: HRV, values: dict[str, float], quality: float) -> StressEstimate:
        assert self.calibration is not None
        z = {k: min(max(v, -Z_CLIP), Z_CLIP) for k, v in self.calibration.z(values).items()}
        if self.model is not None:
            level = float(self.model.predict_rows([z])[0])
        else:
            level = zscore_level(z)
        cal = self.calibration.features
        total = sum(f.weight for f in FEATURES if f.name in cal)
        present = sum(_SPECS[k].weight for k in z) / total if total > 0 else 0.0
        confidence = (
            max(0.0, min(1.0, quality))
            * min(1.0, hrv.n_beats / _FULL_BEATS)
            * present
            * self._completeness()
            * (0.5 + 0.5 * abs(2.0 * level - 1.0))
        )
        eda = any(_SPECS[k].modality == "eda" for k in z)
        return StressEstimate(
            hrv.timestamp,
            min(max(level, 0.0), 1.0),
            min(max(confidence, 0.0), 1.0),
            z,
            "heart+eda" if eda else "heart",
        )

    def _completeness(self) -> float:
        if self.from_file or self.calibration is None:
            return 1.0
        n = max((s.n for s in self.calibration.features.values()), default=0)
        return min(1.0, self.calibration.duration / 120.0) * min(1.0, n / 5.0)


class StressProcessor(Processor):
    """Stress from ``hrv`` (+ ``skin_conductance``, ``signal_quality``) events.

    Parameters
    ----------
    calibration
        Rest period at the start of each beat stream (s) forming the baseline.
    calibration_file
        JSON baseline: read if it exists, else written (0600) after the rest period;
        updated (drift) at the end of the session. Empty: in memory only.
    model
        Path of a ``stress-logistic`` ``.hmm`` model; empty: the z-score model.
    interval
        Least s between two ``Stress`` events of a stream; 0 = one per HRV update.
    drift, max_drift, drift_below
        Baseline drift: EWMA time constant (s; 0 = off), bound (baseline sds), and the
        level below which the baseline may move.
    """

    def __init__(
        self,
        *,
        calibration: float = 180.0,
        calibration_file: str = "",
        model: str = "",
        interval: float = 0.0,
        drift: float = 1800.0,
        max_drift: float = 1.0,
        drift_below: float = 1 / 3,
    ) -> None:
        self.calibration_s = float(calibration)
        self.calibration_file = Path(calibration_file) if calibration_file else None
        self._loaded: Calibration | None = None
        if self.calibration_file is not None and self.calibration_file.exists():
            self._loaded = Calibration.load(self.calibration_file)
        elif self.calibration_s <= 0:
            raise ConfigError(
                "stress: calibration = 0 needs an existing calibration_file; give a rest "
                "period in s (e.g. calibration = 180) or the path of a saved calibration."
            )
        self.model: StressLogisticModel | None = None
        if model:
            self.model = StressLogisticModel.load(model)
        self.interval = float(interval)
        self.drift_opts = (float(drift), float(max_drift), float(drift_below))
        self._name = "stress"
        self._streams: dict[str, StressEstimator] = {}
        self._last_emit: dict[str, float] = {}
        self._eda: Event | None = None
        self._quality: dict[str, SignalQuality] = {}
        #: The latest estimate of each beat stream (also between emitted events).
        self.last_estimate: dict[str, StressEstimate] = {}

    @property
    def model_name(self) -> str:
        """What ``Stress.model`` says: the trained model's name or :data:`ZSCORE_MODEL`."""
        return self.model.info.name if self.model is not None else ZSCORE_MODEL

    def start(self, context: Context) -> None:
        """Remember the instance name (events carry it as ``source``)."""
        self._name = context.name
        if self.model is not None and self.model.info.synthetic:
            log.info("%s: model %r was trained on SYNTHETIC data", self._name, self.model_name)

    def process(self, chunk: Chunk) -> Iterable[Output]:
        """Streams are not used: route ``hrv`` events (cardiac ``hrv`` processor) here."""
        return ()

    def estimator(self, stream: str) -> StressEstimator:
        """The state of beat stream ``stream`` (created on first use)."""
        est = self._streams.get(stream)
        if est is None:
            loaded = copy.deepcopy(self._loaded)
            est = StressEstimator(self.calibration_s, loaded, self.model, *self.drift_opts)
            self._streams[stream] = est
        return est

    def on_event(self, event: Event) -> Iterable[Output]:
        """Take ``hrv``, ``skin_conductance`` or ``signal_quality``; return due ``Stress``."""
        if isinstance(event, SignalQuality):
            self._quality[event.stream] = event
            return ()
        if event.topic == "skin_conductance":
            self._eda = event
            return ()
        if not isinstance(event, HRV):
            return ()
        key = event.stream or event.source
        est = self.estimator(key)
        result = est.update(event, self._fresh_eda(event.timestamp), self._quality_of(event))
        if est.newly_calibrated:
            est.newly_calibrated = False
            self._calibrated(key, est)
        if result is None:
            return ()
        self.last_estimate[key] = result
        if event.timestamp < self._last_emit.get(key, -math.inf) + self.interval:
            return ()
        self._last_emit[key] = event.timestamp
        return [
            Stress(
                timestamp=result.timestamp,
                source=self._name,
                level=result.level,
                label=stress_label(result.level),
                confidence=result.confidence,
                model=self.model_name,
                modality=result.modality,
            )
        ]

    def _fresh_eda(self, t: float) -> Event | None:
        eda = self._eda
        return eda if eda is not None and t - eda.timestamp <= _EDA_TIMEOUT else None

    def _quality_of(self, hrv: HRV) -> float:
        sq = self._quality.get(hrv.stream)
        if sq is None or hrv.timestamp - sq.timestamp > _QUALITY_TIMEOUT:
            return 1.0
        return sq.quality if sq.usable else min(sq.quality, 0.3)

    def _calibrated(self, key: str, est: StressEstimator) -> None:
        cal = est.calibration
        assert cal is not None
        log.info(
            "%s: baseline of %r ready from %.0f s of rest (%s)",
            self._name,
            key,
            cal.duration,
            ", ".join(f"{k}={s.mean:.3g}±{s.sd:.2g}" for k, s in cal.features.items()),
        )
        if self.calibration_file is not None and self._loaded is None:
            cal.save(self.calibration_file)
            log.info("%s: calibration saved to %s", self._name, self.calibration_file)

    def stop(self) -> None:
        """Write the drift-updated baseline back to ``calibration_file`` (if any)."""
        if self.calibration_file is None:
            return
        for est in self._streams.values():
            if est.calibration is not None:
                est.calibration.save(self.calibration_file)
                break
