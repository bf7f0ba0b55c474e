"""Offline functions of the heartmind-csv plugin (the twins of its processors)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from heartmind.streaming import check_rate, check_signal

__all__ = ["window_rms"]


def window_rms(
    data: npt.ArrayLike, sampling_rate: float, window: float = 1.0
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """RMS of every channel over consecutive windows, as the ``signal-rms`` processor.

    Parameters
    ----------
    data
        ``(n_samples, n_channels)`` samples, any unit.
    sampling_rate
        Sampling rate in Hz.
    window
        Window length in s; window ``k`` holds samples ``k·w … (k+1)·w - 1`` with
        ``w = round(window × sampling_rate)``. A last, incomplete window is left out.

    Returns
    -------
    times, rms
        Time of each window's last sample in s from sample 0, and the
        ``(n_windows, n_channels)`` RMS in the unit of the data.
    """
    x = check_signal(data, "window_rms", ndim=2)
    fs = check_rate(sampling_rate, "window_rms", 0.001)
    w = max(1, round(window * fs))
    k = x.shape[0] // w
    rms = np.sqrt(np.mean(x[: k * w].reshape(k, w, -1) ** 2, axis=1))
    return (np.arange(1, k + 1) * w - 1) / fs, rms
