"""ECG cleaning for wearable (textile-electrode) ECG: baseline wander, powerline, EMG.

``ecg_clean(signal, sampling_rate, method="heartmind")`` runs, **causally** (so a streaming
:class:`ECGCleaner` gives the same samples, to float rounding, on any chunking):

1. high-pass 0.5 Hz, 2nd-order Butterworth (baseline wander, electrode drift; little
   ringing after the QRS);
2. powerline notch (IIR, Q = 30) at 50 or 60 Hz — auto-detected from the spectrum by
   :func:`detect_powerline` unless given — and at its 3rd harmonic when below Nyquist;
3. low-pass 40 Hz, 4th-order Butterworth (EMG, high-frequency noise).

All filters are second-order sections started in the steady state of the first sample,
so a DC offset gives no start-up transient. ``method="neurokit"`` calls
``neurokit2.ecg_clean`` (zero-phase; imported only then).
"""

from __future__ import annotations

import logging
import math

import numpy as np
import numpy.typing as npt
from scipy import signal

from heartmind.errors import ConfigError, MissingExtraError
from heartmind.streaming import SOSFilter, check_method, check_signal

__all__ = ["ECG_CLEAN_METHODS", "ECGCleaner", "detect_powerline", "ecg_clean"]

log = logging.getLogger(__name__)

_F64 = npt.NDArray[np.float64]

#: Valid ``method`` values of :func:`ecg_clean`.
ECG_CLEAN_METHODS: tuple[str, ...] = ("heartmind", "neurokit")
#: Mains frequencies :func:`detect_powerline` chooses from, in Hz.
POWERLINE_CANDIDATES: tuple[float, ...] = (50.0, 60.0)


def detect_powerline(
    ecg_signal: npt.ArrayLike, sampling_rate: float, *, min_ratio_db: float = 6.0
) -> float | None:
    """Mains frequency (50 or 60 Hz) present in the signal, or ``None``.

    The Welch PSD (2-s Hann windows) at each candidate frequency (±1 Hz) is compared with
    the median PSD of its neighbourhood (±2–6 Hz); the candidate with the larger excess is
    returned if that excess is at least ``min_ratio_db`` dB.

    Parameters
    ----------
    ecg_signal
        One ECG channel (any unit).
    sampling_rate
        Sampling rate in Hz; candidates at or above 0.45 × the rate are not considered.
    min_ratio_db
        Smallest peak-to-neighbourhood excess, in dB, counted as interference.
    """
    x = np.asarray(ecg_signal, dtype=np.float64).reshape(-1)
    fs = float(sampling_rate)
    nper = min(x.size, int(2 * fs))
    if nper < int(fs / 2):
        return None
    freq, psd = signal.welch(x - x.mean(), fs=fs, nperseg=nper)
    best, best_db = None, -math.inf
    for f0 in POWERLINE_CANDIDATES:
        if f0 >= 0.45 * fs:
            continue
        peak = psd[np.abs(freq - f0) <= 1.0].max()
        ring = (np.abs(freq - f0) >= 2.0) & (np.abs(freq - f0) <= 6.0)
        ref = float(np.median(psd[ring])) + 1e-30
        excess = 10.0 * math.log10(float(peak) / ref + 1e-30)
        if excess > best_db:
            best, best_db = f0, excess
    return best if best_db >= min_ratio_db else None


class ECGCleaner:
    """Streaming ECG cleaner with filter state; equals :func:`ecg_clean` on any chunking.

    Parameters
    ----------
    sampling_rate
        Sampling rate in Hz.
    powerline
        Mains frequency to notch, in Hz (50 or 60), or ``None`` for no notch.
    highpass, lowpass
        Corner frequencies in Hz (``lowpass`` is capped at 0.45 × the rate).
    """

    def __init__(
        self,
        sampling_rate: float,
        *,
        powerline: float | None = None,
        highpass: float = 0.5,
        lowpass: float = 40.0,
    ) -> None:
        fs = float(sampling_rate)
        if not math.isfinite(fs) or fs < 50.0:
            raise ConfigError(f"ecg_clean: sampling rate must be ≥ 50 Hz, got {sampling_rate!r}.")
        parts = [signal.butter(2, highpass, btype="highpass", fs=fs, output="sos")]
        if powerline is not None:
            for f0 in (powerline, 3 * powerline):
                if f0 < 0.45 * fs:
                    b, a = signal.iirnotch(f0, 30.0, fs=fs)
                    parts.append(signal.tf2sos(b, a))
        parts.append(
            signal.butter(4, min(lowpass, 0.45 * fs), btype="lowpass", fs=fs, output="sos")
        )
        self.sampling_rate = fs
        self.powerline = powerline
        self.sos: _F64 = np.concatenate(parts)
        self._filter = SOSFilter(self.sos)

    def reset(self) -> None:
        """Forget the filter state."""
        self._filter = SOSFilter(self.sos)

    def process(self, x: npt.ArrayLike) -> _F64:
        """Clean the next block of samples (1-D, in order); returns as many samples."""
        block = np.asarray(x, dtype=np.float64).reshape(-1)
        if block.size == 0:
            return block
        return self._filter.process(block)


def ecg_clean(
    ecg_signal: npt.ArrayLike,
    sampling_rate: float = 1000.0,
    *,
    method: str = "heartmind",
    powerline: float | str | None = "auto",
) -> _F64:
    """Clean an ECG: baseline wander, powerline and EMG removal.

    Parameters
    ----------
    ecg_signal
        One ECG channel (1-D, any unit such as mV).
    sampling_rate
        Sampling rate in Hz.
    method
        ``"heartmind"`` (causal filters, see the module docs; equals :class:`ECGCleaner`)
        or ``"neurokit"`` (``neurokit2.ecg_clean``, zero-phase; needs the ``signal`` extra).
    powerline
        ``"auto"`` (detect 50/60 Hz, :func:`detect_powerline`), a frequency in Hz, or
        ``None`` for no notch. ``"heartmind"`` only.

    Returns
    -------
    numpy.ndarray
        The cleaned signal, same length and unit.

    Raises
    ------
    ValueError
        (:class:`heartmind.ConfigError`) for an unknown ``method`` — the message lists the
        valid ones — or a signal that is not 1-D and finite.
    """
    check_method(method, ECG_CLEAN_METHODS, "ecg_clean")
    x = check_signal(ecg_signal, "ecg_clean")
    fs = float(sampling_rate)
    if method == "neurokit":
        try:
            import neurokit2 as nk
        except ImportError as exc:
            raise MissingExtraError("signal", "ecg_clean(method='neurokit')", "neurokit2") from exc
        return np.asarray(nk.ecg_clean(x, sampling_rate=round(fs), method="neurokit"), float)
    if powerline == "auto":
        mains = detect_powerline(x, fs)
        log.debug("ecg_clean: powerline detected at %s Hz", mains)
    elif powerline is None or isinstance(powerline, int | float):
        mains = None if powerline is None else float(powerline)
    else:
        raise ConfigError(
            f"ecg_clean: powerline must be 'auto', a number or None, got {powerline!r}."
        )
    return ECGCleaner(fs, powerline=mains).process(x)
