"""Argument checks shared by the offline functions of the signal plugins.

Each raises :class:`heartmind.errors.ConfigError` (a ``ValueError``) whose message names the
function (``who``), says what was wrong and what to do.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from heartmind.errors import ConfigError

__all__ = ["check_method", "check_rate", "check_signal"]


def check_signal(x: npt.ArrayLike, who: str, ndim: int = 1) -> npt.NDArray[np.float64]:
    """``x`` as a finite float64 array of ``ndim`` dimensions.

    Parameters
    ----------
    x
        The signal (any unit).
    who
        Name of the calling function, for the message.
    ndim
        Dimensions required: 1 for one channel, 2 for ``(n_samples, n_channels)``.

    Raises
    ------
    ConfigError
        If the shape is wrong or a value is NaN or infinite.
    """
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim != ndim:
        hint = "; pass one column, e.g. data[:, 0]" if ndim == 1 and arr.ndim == 2 else ""
        what = "1-D (one channel)" if ndim == 1 else f"{ndim}-D"
        raise ConfigError(f"{who}: the signal must be {what}, got shape {arr.shape}{hint}.")
    if not np.isfinite(arr).all():
        raise ConfigError(f"{who}: the signal contains NaN or inf; interpolate them first.")
    return arr


def check_rate(sampling_rate: float, who: str, lo: float, hi: float = 1e5) -> float:
    """``sampling_rate`` (Hz) as a float if it lies within ``[lo, hi]`` Hz.

    Raises
    ------
    ConfigError
        If the rate is not finite or outside the range (the message says to resample).
    """
    fs = float(sampling_rate)
    if not (math.isfinite(fs) and lo <= fs <= hi):
        raise ConfigError(
            f"{who}: sampling rate {sampling_rate!r} Hz is outside the supported "
            f"{lo:g}–{hi:g} Hz; resample the signal."
        )
    return fs


def check_method(method: str, valid: tuple[str, ...], who: str) -> None:
    """Accept ``method`` if it is one of ``valid``.

    Raises
    ------
    ConfigError
        For an unknown ``method``; the message lists the valid ones.
    """
    if method not in valid:
        raise ConfigError(f"{who}: unknown method {method!r}; valid methods: {', '.join(valid)}.")
