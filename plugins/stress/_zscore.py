"""Stress features of HRV (and EDA) events, and the fixed z-score model on them.

Features (see :data:`~._calibration.FEATURES`), taken from each ``HRV`` event and the latest
``skin_conductance`` event (physio plugin) when one is fresher than 60 s:

========== ======================= ========= ====== ==========
feature    from                    unit      sign   weight
========== ======================= ========= ====== ==========
hr         60000 / HRV.mean_nn     bpm       +      1.0
rmssd      ln HRV.rmssd            ln ms     −      1.0
hf         ln HRV.hf               ln ms²    −      0.5
lf_hf      ln HRV.lf_hf            ln        +      0.5
stress_ix  ln HRV.stress_index     ln        +      0.5
eda_tonic  SkinConductance.tonic   µS        +      0.75
scr_rate   SkinConductance.scr_rate 1/min    +      0.5
========== ======================= ========= ====== ==========

**z-score model** (no training needed). Each feature becomes a signed z-score
``z_i = sign_i · (x_i − mean_i) / sd_i`` (positive = towards stress), clipped to ±6; then

    s = Σ w_i z_i / Σ w_i          (over the features present)
    level = 1 / (1 + exp(−1.5 · (s − 1.5)))

so the baseline (s = 0) gives 0.10 ("low"), s = 1.5 sd gives 0.5 and s = 3 sd gives 0.90.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from heartmind.events import HRV, Event

from ._calibration import FEATURES, Z_CLIP

__all__ = ["ZSCORE_MODEL", "features_of", "zscore_level"]

#: Name of the built-in z-score model in ``Stress.model``.
ZSCORE_MODEL = "zscore-logistic"
_SLOPE, _OFFSET = 1.5, 1.5
_SPECS = {f.name: f for f in FEATURES}


def _log(value: float | None) -> float:
    return math.log(value) if value is not None and value > 0 else math.nan


def features_of(hrv: HRV, eda: Event | None = None) -> dict[str, float]:
    """Stress feature values (transformed units) of one HRV event and optional EDA event.

    Parameters
    ----------
    hrv
        An ``HRV`` event (``mean_nn`` and ``rmssd`` in ms, ``hf`` in ms²).
    eda
        A ``skin_conductance`` event (``tonic`` in µS, ``scr_rate`` in 1/min), or None.
    """
    out = {
        "hr": 60000.0 / hrv.mean_nn if hrv.mean_nn > 0 else math.nan,
        "rmssd": _log(hrv.rmssd),
        "hf": _log(hrv.hf),
        "lf_hf": _log(hrv.lf_hf),
        "stress_index": _log(hrv.stress_index),
    }
    if eda is not None:
        out["eda_tonic"] = float(getattr(eda, "tonic", math.nan))
        out["scr_rate"] = float(getattr(eda, "scr_rate", math.nan))
    return {k: v for k, v in out.items() if math.isfinite(v)}


def zscore_level(z: Mapping[str, float]) -> float:
    """Level in [0, 1] of the fixed z-score model (module docstring) from signed z-scores."""
    num = sum(_SPECS[k].weight * min(max(v, -Z_CLIP), Z_CLIP) for k, v in z.items())
    den = sum(_SPECS[k].weight for k in z)
    s = num / den if den > 0 else 0.0
    return 1.0 / (1.0 + math.exp(-_SLOPE * (s - _OFFSET)))
