"""Causal IIR filtering across blocks, and filter group delay.

scipy loads when a filter is built, not when :mod:`heartmind.streaming` is imported.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["SOSFilter", "group_delay", "group_delay_samples"]

_F64 = npt.NDArray[np.float64]


class SOSFilter:
    """A causal filter in second-order sections whose state carries across blocks.

    It starts in the steady state of its first sample (``sosfilt_zi × x[0]``), so a DC
    offset gives no start-up transient, and filtering a signal in blocks gives the same
    samples as filtering it whole.

    Parameters
    ----------
    sos
        Second-order sections, e.g. ``scipy.signal.butter(..., output="sos")``.

    Examples
    --------
    >>> from scipy import signal
    >>> lowpass = SOSFilter(signal.butter(2, 1.5, fs=50.0, output="sos"))
    >>> y = np.concatenate([lowpass.process(x[:100]), lowpass.process(x[100:])])
    """

    def __init__(self, sos: _F64) -> None:
        from scipy import signal

        self.sos = np.asarray(sos, dtype=np.float64)
        self._sosfilt = signal.sosfilt
        self._zi0 = signal.sosfilt_zi(self.sos)
        self._zi: _F64 | None = None

    @property
    def started(self) -> bool:
        """Whether the filter has seen a sample (its state is set)."""
        return self._zi is not None

    def process(self, block: _F64) -> _F64:
        """Filter the next samples (1-D); return as many filtered samples."""
        if block.size == 0:
            return np.zeros(0)
        if self._zi is None:
            self._zi = self._zi0 * block[0]
        y, self._zi = self._sosfilt(self.sos, block, zi=self._zi)
        out: _F64 = y
        return out


def group_delay(sos: _F64, freq: float, fs: float) -> float:
    """Group delay of a filter in second-order sections at ``freq`` Hz, in samples.

    Parameters
    ----------
    sos
        Second-order sections.
    freq
        Frequency in Hz (below ``fs / 2``).
    fs
        Sampling rate in Hz.
    """
    from scipy import signal

    b, a = signal.sos2tf(sos)
    _, gd = signal.group_delay((b, a), w=[freq], fs=fs)
    return float(gd[0])


def group_delay_samples(sos: _F64, freq: float, fs: float) -> int:
    """:func:`group_delay` rounded to whole samples, at least 0."""
    return max(0, round(group_delay(sos, freq, fs)))
