"""Per-user stress calibration: robust baseline statistics of the stress features.

The ``stress`` processor judges HRV (and EDA) **relative to the user's own resting
baseline**. This module holds that baseline:

* :data:`FEATURES`: the stress features, how each is taken from an event, the direction in
  which it moves under stress (``sign``) and the weight of the z-score model;
* :class:`Calibrator`: collects feature values during a rest period;
* :class:`Calibration`: per-feature robust mean (median) and sd (1.4826 × MAD, floored),
  saved as JSON with mode 0600 and reloaded unchanged; a **bounded drift** update (slow
  EWMA of the mean during low-stress periods, never further than ``max_drift`` baseline
  sds from the calibrated value).

File format (``calibration_file``; JSON, one object)::

    {"kind": "heartmind-stress-calibration", "version": 1,
     "created": "2026-01-05T09:03:00Z", "duration": 180.0, "source": "stress",
     "features": {"hr": {"mean": 71.2, "sd": 1.3, "n": 17, "origin": 71.2}, ...}}

``mean``/``sd`` are in the feature's unit after its transform (``hr`` in bpm, ``rmssd``,
``hf``, ``lf_hf`` and ``stress_index`` as natural logs, ``eda_tonic`` in µS, ``scr_rate``
in 1/min); ``origin`` is the calibrated mean the drift is bounded around.
"""

from __future__ import annotations

import json
import logging
import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from heartmind.errors import ConfigError

__all__ = [
    "CALIBRATION_KIND",
    "CALIBRATION_VERSION",
    "FEATURES",
    "FEATURE_NAMES",
    "Z_CLIP",
    "Calibration",
    "Calibrator",
    "FeatureSpec",
    "FeatureStats",
    "calibrate",
]

log = logging.getLogger(__name__)

CALIBRATION_KIND = "heartmind-stress-calibration"
CALIBRATION_VERSION = 1
#: Fewest values of a feature for it to enter a calibration.
MIN_VALUES = 3
#: z-scores are clipped to ±Z_CLIP before any model sees them.
Z_CLIP = 6.0


@dataclass(frozen=True)
class FeatureSpec:
    """One stress feature.

    Attributes
    ----------
    name
        Feature name (key in calibration files).
    unit
        Unit after the transform (``"bpm"``, ``"ln ms"``, ``"µS"``, …).
    sign
        +1 if the feature rises under stress, -1 if it falls.
    weight
        Weight in the z-score model (see :mod:`._zscore`).
    sd_floor
        Smallest sd used for z-scores (feature unit), so that a very steady rest
        period does not turn tiny changes into huge z-scores.
    modality
        ``"heart"`` or ``"eda"``.
    """

    name: str
    unit: str
    sign: float
    weight: float
    sd_floor: float
    modality: str = "heart"


#: The stress features in model order (see the module docstring for units).
FEATURES: tuple[FeatureSpec, ...] = (
    FeatureSpec("hr", "bpm", +1.0, 1.0, 1.5),
    FeatureSpec("rmssd", "ln ms", -1.0, 1.0, 0.08),
    FeatureSpec("hf", "ln ms^2", -1.0, 0.5, 0.2),
    FeatureSpec("lf_hf", "ln", +1.0, 0.5, 0.2),
    FeatureSpec("stress_index", "ln", +1.0, 0.5, 0.15),
    FeatureSpec("eda_tonic", "µS", +1.0, 0.75, 0.15, "eda"),
    FeatureSpec("scr_rate", "1/min", +1.0, 0.5, 1.0, "eda"),
)
FEATURE_NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES)
_SPECS: dict[str, FeatureSpec] = {f.name: f for f in FEATURES}


@dataclass
class FeatureStats:
    """Baseline statistics of one feature.

    Attributes
    ----------
    mean
        Baseline level (median of the calibration values, then drift-updated).
    sd
        Robust spread: max(1.4826 × MAD, the feature's ``sd_floor``).
    n
        Values the calibration used.
    origin
        The calibrated mean; drift stays within ``max_drift × sd`` of it.
    """

    mean: float
    sd: float
    n: int
    origin: float

    @classmethod
    def robust(cls, values: Iterable[float], sd_floor: float) -> FeatureStats:
        """Median and floored 1.4826 × MAD of ``values`` (finite values only)."""
        x = np.asarray([v for v in values if math.isfinite(v)], dtype=np.float64)
        med = float(np.median(x))
        mad = float(np.median(np.abs(x - med))) * 1.4826
        return cls(mean=med, sd=max(mad, sd_floor), n=int(x.size), origin=med)


@dataclass
class Calibration:
    """A user's stress baseline: :class:`FeatureStats` per feature.

    Parameters
    ----------
    features
        Statistics by feature name (features without enough calibration data are absent).
    duration
        Length of the rest period it was computed from (s).
    created
        ISO 8601 UTC time of the calibration.
    source
        What produced it (processor instance name, ``"calibrate"``, …).
    """

    features: dict[str, FeatureStats]
    duration: float = 0.0
    created: str = ""
    source: str = ""
    drift_updates: int = field(default=0, compare=False)

    def z(self, values: Mapping[str, float]) -> dict[str, float]:
        """Signed z-scores (positive = towards stress) of the calibrated features in ``values``."""
        out: dict[str, float] = {}
        for name, value in values.items():
            stats = self.features.get(name)
            if stats is None or not math.isfinite(value):
                continue
            out[name] = _SPECS[name].sign * (value - stats.mean) / stats.sd
        return out

    def drift(self, values: Mapping[str, float], alpha: float, max_drift: float) -> None:
        """Move each mean a fraction ``alpha`` towards ``values`` (EWMA), bounded.

        Parameters
        ----------
        values
            Current feature values (transformed units), taken during a low-stress period.
        alpha
            EWMA weight in [0, 1] of this update (e.g. ``dt / tau``).
        max_drift
            Largest distance of a mean from its calibrated ``origin``, in baseline sds.
        """
        alpha = min(max(alpha, 0.0), 1.0)
        for name, value in values.items():
            stats = self.features.get(name)
            if stats is None or not math.isfinite(value):
                continue
            moved = stats.mean + alpha * (value - stats.mean)
            bound = max_drift * stats.sd
            stats.mean = min(max(moved, stats.origin - bound), stats.origin + bound)
        self.drift_updates += 1

    # ------------------------------------------------------------------ files

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible dict (the file format of the module docstring)."""
        return {
            "kind": CALIBRATION_KIND,
            "version": CALIBRATION_VERSION,
            "created": self.created,
            "duration": self.duration,
            "source": self.source,
            "features": {
                k: {"mean": s.mean, "sd": s.sd, "n": s.n, "origin": s.origin}
                for k, s in self.features.items()
            },
        }

    def save(self, path: str | Path) -> Path:
        """Write the calibration as JSON, readable by the owner only (mode 0600)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(self.to_dict(), fh, indent=2, sort_keys=True)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
        return path

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str = "<dict>") -> Calibration:
        """Rebuild a calibration from :meth:`to_dict` output; ``where`` names it in errors."""
        if data.get("kind") != CALIBRATION_KIND or data.get("version") != CALIBRATION_VERSION:
            raise ConfigError(
                f"{where} is not a heartmind stress calibration (version {CALIBRATION_VERSION}); "
                "delete it and let the stress processor calibrate again."
            )
        features: dict[str, FeatureStats] = {}
        for name, raw in dict(data.get("features", {})).items():
            if name not in _SPECS:
                log.warning("%s: unknown stress feature %r ignored", where, name)
                continue
            try:
                stats = FeatureStats(
                    float(raw["mean"]), float(raw["sd"]), int(raw["n"]), float(raw["origin"])
                )
            except (KeyError, TypeError, ValueError) as exc:
                raise ConfigError(f"{where}: feature {name!r} is malformed ({exc}).") from None
            if not (math.isfinite(stats.mean) and stats.sd > 0):
                raise ConfigError(f"{where}: feature {name!r} needs a finite mean and sd > 0.")
            features[name] = stats
        if not features:
            raise ConfigError(f"{where} holds no features; calibrate again.")
        return cls(
            features,
            float(data.get("duration", 0.0)),
            str(data.get("created", "")),
            str(data.get("source", "")),
        )

    @classmethod
    def load(cls, path: str | Path) -> Calibration:
        """Read a calibration file written by :meth:`save`."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(
                f"calibration file {path} does not exist; run a session with a rest period "
                "(option 'calibration') to create it."
            ) from None
        except (OSError, json.JSONDecodeError) as exc:
            raise ConfigError(f"cannot read calibration file {path}: {exc}.") from None
        if not isinstance(data, dict):
            raise ConfigError(f"{path} must hold one JSON object.")
        return cls.from_dict(data, str(path))


class Calibrator:
    """Collects feature values of a rest period and turns them into a :class:`Calibration`."""

    def __init__(self) -> None:
        self.values: dict[str, list[float]] = {}
        self.n_updates = 0

    def add(self, values: Mapping[str, float]) -> None:
        """Add one update's feature values (transformed units)."""
        self.n_updates += 1
        for name, value in values.items():
            if math.isfinite(value):
                self.values.setdefault(name, []).append(float(value))

    def ready(self) -> bool:
        """True when at least one heart feature has :data:`MIN_VALUES` values."""
        return any(
            len(self.values.get(f.name, ())) >= MIN_VALUES
            for f in FEATURES
            if f.modality == "heart"
        )

    def finish(self, duration: float, source: str = "", created: str = "") -> Calibration:
        """The calibration of the values so far.

        Raises
        ------
        ConfigError
            If no heart feature has enough values (the rest period was too short or the
            signal unusable).
        """
        if not self.ready():
            raise ConfigError(
                f"stress calibration: fewer than {MIN_VALUES} usable HRV updates in "
                f"{duration:g} s; lengthen 'calibration' or shorten the HRV 'step'."
            )
        features = {
            name: FeatureStats.robust(vals, _SPECS[name].sd_floor)
            for name, vals in self.values.items()
            if len(vals) >= MIN_VALUES
        }
        created = created or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return Calibration(features, float(duration), created, source)


def calibrate(
    feature_rows: Iterable[Mapping[str, float]], duration: float, source: str = "calibrate"
) -> Calibration:
    """Explicit calibration from the feature values of a rest recording.

    Parameters
    ----------
    feature_rows
        One mapping per HRV update, as from :func:`heartmind.plugins.stress.api.features_of`.
    duration
        Length of the rest period (s), stored in the calibration.
    source
        Stored as the calibration's ``source``.
    """
    cal = Calibrator()
    for row in feature_rows:
        cal.add(row)
    return cal.finish(duration, source)
