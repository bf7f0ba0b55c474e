"""Heart-beat windows → model inputs: per-user baselines, HR sequences and HRV features.

Every model of :mod:`._vad_models` sees the heart through the same
three steps, done identically offline (training, evaluation) and online (the
``heart-emotion`` processor):

1. **Beats**: R-peak times ``t`` (s) and the RR interval ending at each beat (s). Beats
   flagged unusable or ectopic are left out before this point.
2. **Baseline** (:class:`Baseline`): the user's resting heart — mean and spread of heart
   rate, log RMSSD/SDNN, pNN50, log LF/HF — from a baseline recording (training: the
   subject's baseline segment; online: the first ``baseline`` seconds of a session).
3. **Window** (``window`` s ending at ``end``): either a heart-rate sequence resampled to
   ``rate`` Hz and normalised with the baseline (:func:`hr_sequence`, for the GRU/LSTM)
   or a vector of HRV features, raw and relative to the baseline (:func:`hrv_features`,
   for the linear model).

HRV definitions (vectorised, in ms, over the NN intervals of the window): SDNN with
``ddof=1``; RMSSD over successive differences of consecutive intervals; pNN50 as the share
of successive differences > 50 ms (%); LF/HF from a Welch periodogram of the NN series
resampled to 4 Hz (LF 0.04–0.15 Hz, HF 0.15–0.4 Hz). With 60 s windows LF is only roughly
resolved; the value is a feature here, not a clinical HRV report (see
:mod:`heartmind.plugins.cardiac.api` for that).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import numpy.typing as npt

__all__ = [
    "HRV_FEATURES",
    "SEQUENCE_CHANNELS",
    "Baseline",
    "baseline_from_beats",
    "hr_sequence",
    "hrv_features",
    "window_beats",
    "window_completeness",
]

_F64 = npt.NDArray[np.float64]

#: Channels of :func:`hr_sequence`.
SEQUENCE_CHANNELS: tuple[str, ...] = ("hr_z", "hr_delta")
#: Names of :func:`hrv_features`, in order (units: bpm, ms, ms, %, 1, then relative values).
HRV_FEATURES: tuple[str, ...] = (
    "mean_hr",
    "sdnn",
    "rmssd",
    "pnn50",
    "log_lf_hf",
    "d_mean_hr_z",
    "d_log_sdnn",
    "d_log_rmssd",
    "d_pnn50",
    "d_log_lf_hf",
)
#: A gap between beats longer than this (s) counts as missing data.
MAX_GAP = 3.0
_PSD_RATE = 4.0


@dataclass(frozen=True)
class Baseline:
    """A user's resting heart, the reference of per-user normalisation.

    Attributes
    ----------
    hr_mean, hr_std
        Mean and standard deviation of the instantaneous heart rate, bpm.
    log_sdnn, log_rmssd
        Natural log of SDNN and RMSSD in ms.
    pnn50
        pNN50 in %.
    log_lf_hf
        Natural log of LF/HF.
    """

    hr_mean: float = 70.0
    hr_std: float = 5.0
    log_sdnn: float = math.log(50.0)
    log_rmssd: float = math.log(40.0)
    pnn50: float = 20.0
    log_lf_hf: float = 0.0

    def to_dict(self) -> dict[str, float]:
        """JSON-compatible dict (stored in model preprocessing parameters)."""
        return {k: float(v) for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict[str, float]) -> Baseline:
        """Inverse of :meth:`to_dict`."""
        return cls(**{k: float(v) for k, v in data.items()})


def window_beats(times: _F64, rr: _F64, end: float, window: float) -> tuple[_F64, _F64]:
    """Beats with ``end - window < t <= end`` (times and RR intervals in s)."""
    lo, hi = np.searchsorted(times, [end - window, end], side="right")
    return times[lo:hi], rr[lo:hi]


def window_completeness(times: _F64, rr: _F64, end: float, window: float) -> float:
    """Share of the window (0–1) covered by beats whose intervals are no gap (< 3 s)."""
    t, r = window_beats(times, rr, end, window)
    if t.size == 0:
        return 0.0
    starts = np.maximum(t - np.minimum(r, MAX_GAP), end - window)
    covered = float(np.sum(np.clip(t - starts, 0.0, None)))
    return min(1.0, covered / window)


def _instant_hr(rr: _F64) -> _F64:
    return 60.0 / np.clip(rr, 0.2, 3.0)


def _log_lf_hf(times: _F64, rr: _F64) -> float:
    """log(LF/HF) of the NN series (0.0 when it is too short to say)."""
    if times.size < 8 or times[-1] - times[0] < 20.0:
        return 0.0
    from scipy import signal

    grid = np.arange(times[0], times[-1], 1.0 / _PSD_RATE)
    nn = np.interp(grid, times, rr * 1000.0)
    nn = nn - nn.mean()
    freqs, psd = signal.welch(nn, fs=_PSD_RATE, nperseg=min(nn.size, 128), detrend="linear")
    lf = float(np.sum(psd[(freqs >= 0.04) & (freqs < 0.15)]))
    hf = float(np.sum(psd[(freqs >= 0.15) & (freqs < 0.4)]))
    if lf <= 0.0 or hf <= 0.0:
        return 0.0
    return float(np.clip(math.log(lf / hf), -5.0, 5.0))


def _time_domain(rr: _F64) -> tuple[float, float, float, float]:
    """mean HR (bpm), SDNN (ms), RMSSD (ms), pNN50 (%) of intervals ``rr`` in s."""
    ms = rr * 1000.0
    mean_hr = float(np.mean(_instant_hr(rr)))
    sdnn = float(np.std(ms, ddof=1)) if ms.size > 1 else 0.0
    diff = np.diff(ms)
    rmssd = float(np.sqrt(np.mean(diff**2))) if diff.size else 0.0
    pnn50 = float(100.0 * np.sum(np.abs(diff) > 50.0) / ms.size) if diff.size else 0.0
    return mean_hr, sdnn, rmssd, pnn50


def baseline_from_beats(times: npt.ArrayLike, rr: npt.ArrayLike) -> Baseline:
    """The :class:`Baseline` of beats ``times`` (s) with intervals ``rr`` (s).

    Needs at least 10 beats; fewer give the population default (:class:`Baseline()`).
    """
    t = np.asarray(times, dtype=np.float64)
    r = np.asarray(rr, dtype=np.float64)
    if t.size < 10:
        return Baseline()
    mean_hr, sdnn, rmssd, pnn50 = _time_domain(r)
    return Baseline(
        hr_mean=mean_hr,
        hr_std=max(float(np.std(_instant_hr(r))), 1.0),
        log_sdnn=math.log(max(sdnn, 1.0)),
        log_rmssd=math.log(max(rmssd, 1.0)),
        pnn50=pnn50,
        log_lf_hf=_log_lf_hf(t, r),
    )


def hrv_features(times: _F64, rr: _F64, end: float, window: float, baseline: Baseline) -> _F64:
    """HRV feature vector (:data:`HRV_FEATURES`) of the window ending at ``end`` (s).

    Raw values (mean HR in bpm, SDNN/RMSSD in ms, pNN50 in %, log LF/HF) followed by the
    same values relative to ``baseline`` (z-scored HR, log ratios, pNN50 difference).
    Windows with fewer than 3 beats give the baseline's own values (no information).
    """
    t, r = window_beats(times, rr, end, window)
    if t.size < 3:
        hr, sdnn, rmssd = (
            baseline.hr_mean,
            math.exp(baseline.log_sdnn),
            math.exp(baseline.log_rmssd),
        )
        pnn50, lfhf = baseline.pnn50, baseline.log_lf_hf
    else:
        hr, sdnn, rmssd, pnn50 = _time_domain(r)
        lfhf = _log_lf_hf(t, r)
    return np.array(
        [
            hr,
            sdnn,
            rmssd,
            pnn50,
            lfhf,
            (hr - baseline.hr_mean) / baseline.hr_std,
            math.log(max(sdnn, 1.0)) - baseline.log_sdnn,
            math.log(max(rmssd, 1.0)) - baseline.log_rmssd,
            pnn50 - baseline.pnn50,
            lfhf - baseline.log_lf_hf,
        ]
    )


def hr_sequence(
    times: _F64, rr: _F64, end: float, window: float, rate: float, baseline: Baseline
) -> _F64:
    """Normalised heart-rate sequence of the window ending at ``end`` (s).

    The instantaneous heart rate 60/RR (bpm), placed at its beat times, is linearly
    interpolated onto ``round(window * rate)`` points at ``rate`` Hz ending at ``end``
    (held constant before the first and after the last beat; the baseline mean where there
    is no beat at all). Channels (:data:`SEQUENCE_CHANNELS`): ``hr_z`` = (HR − baseline
    mean) / baseline SD, and ``hr_delta`` = its change per step × 10 (beat-to-beat
    variability, RSA).

    Returns
    -------
    numpy.ndarray
        ``(n_steps, 2)`` float32-compatible float64 array.
    """
    n = round(window * rate)
    grid = end - (np.arange(n)[::-1]) / rate
    t, r = window_beats(times, rr, end, window + MAX_GAP)
    hr = np.interp(grid, t, _instant_hr(r)) if t.size else np.full(n, baseline.hr_mean)
    z = (hr - baseline.hr_mean) / baseline.hr_std
    delta = np.diff(z, prepend=z[0]) * 10.0
    return np.column_stack([z, delta])
