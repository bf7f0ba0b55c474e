"""Offline radar vital signs in NeuroKit2's shape (``radar_<step>(iq, sampling_rate, ...)``).

:func:`radar_process` runs the streaming :class:`~heartmind.plugins.radar.api.RadarVitals`
over the whole recording, so an offline analysis gives exactly what the ``radar-vitals``
processor reports; it also returns the zero-phase breathing (0.1–0.5 Hz) and heartbeat
(0.8–3 Hz) components of the displacement for inspection and plots.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import signal

from heartmind.streaming import check_rate, check_signal, run_blocks

from ._vital_signs import RadarOutput, RadarVitals

__all__ = ["radar_process"]

_F64 = npt.NDArray[np.float64]


def radar_process(
    iq: npt.ArrayLike,
    sampling_rate: float = 100.0,
    *,
    carrier_ghz: float = 24.0,
    method: str = "ellipse",
    calibration: float = 10.0,
    chunk_size: int | None = None,
) -> dict[str, Any]:
    """Displacement, breaths, heartbeats and quality from CW radar I/Q.

    Parameters
    ----------
    iq
        ``(n, 2)`` I and Q samples (a.u.).
    sampling_rate
        I/Q rate in Hz (≥ 20 Hz).
    carrier_ghz
        Carrier frequency in GHz.
    method
        I/Q correction: ``"ellipse"`` (DC offset + amplitude/phase imbalance), ``"circle"``
        (DC offset only) or ``"none"``; an unknown one raises ``ValueError``.
    calibration
        Seconds of I/Q the correction is fitted on (the first ones).
    chunk_size
        Feed the streaming core blocks of this many samples (same result).

    Returns
    -------
    dict
        ``"RADAR_Displacement"`` (mm), ``"RADAR_Breathing"`` and ``"RADAR_Heart"`` (mm,
        zero-phase band-passed 0.1–0.5 Hz and 0.8–3 Hz), ``"RADAR_Beats"`` (fractional
        samples), ``"RADAR_Breaths"`` (fractional samples), ``"RADAR_Quality"`` (rows of
        end sample, quality 0–1, SNR dB, spectral heart rate bpm), ``"correction"``
        (:class:`~heartmind.plugins.radar.api.IQCorrection`), ``"sampling_rate"``.
    """
    x = check_signal(iq, "radar_process", ndim=2)
    fs = check_rate(sampling_rate, "radar_process", 20.0)
    core = RadarVitals(fs, carrier_ghz=carrier_ghz, calibration=calibration, method=method)
    parts = run_blocks(core.process, x, chunk_size, "radar_process")
    parts.append(core.flush())
    disp = np.concatenate([np.zeros(0), *(p.displacement for p in parts)])
    out: dict[str, Any] = {
        "RADAR_Displacement": disp,
        "RADAR_Beats": _col(parts, "beats"),
        "RADAR_Breaths": _col(parts, "breaths"),
        "RADAR_Quality": np.array([q for p in parts for q in p.quality]).reshape(-1, 4),
        "correction": core.correction,
        "sampling_rate": fs,
    }
    for key, band in (("RADAR_Breathing", (0.1, 0.5)), ("RADAR_Heart", (0.8, 3.0))):
        if disp.size > 30:
            sos = signal.butter(2, list(band), btype="bandpass", fs=fs, output="sos")
            out[key] = signal.sosfiltfilt(sos, disp)
        else:
            out[key] = np.zeros_like(disp)
    return out


def _col(parts: list[RadarOutput], name: str) -> _F64:
    return np.array([row[0] for p in parts for row in getattr(p, name)], dtype=np.float64)
