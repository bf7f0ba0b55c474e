"""Offline helpers returning whole arrays (NeuroKit-like), for tests and notebooks.

They run the same code as the streaming :class:`~heartmind.sim.Participant`, so their
output equals the concatenated chunks of a participant with the same options.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .kernels import Array, block_samples
from .latent import Latent
from .participant import Participant, Recording
from .radar import RadarRenderer
from .state import StateScript

__all__ = ["simulate", "simulate_ecg", "simulate_ppg", "simulate_radar"]

StateLike = StateScript | str | Path


def simulate(
    duration: float,
    modalities: Sequence[str] = ("ECG",),
    seed: int = 0,
    state: StateLike = "rest-stress-recovery",
    **options: Any,
) -> dict[str, Recording]:
    """Simulate ``duration`` s of every stream; timestamps start at 0 s.

    ``options`` are those of :class:`Participant` (``rates``, ``snr_db``, …). Returns a
    :class:`Recording` per stream type, ground truth included (``"BEATS"``, ``"STATE"``,
    ``"MARKERS"``).
    """
    return Participant(state, seed, modalities, **options).record(duration)


def simulate_ecg(
    duration: float,
    sampling_rate: float = 500.0,
    seed: int = 0,
    state: StateLike = "rest",
    **options: Any,
) -> tuple[Array, Array]:
    """ECG in mV and the ground-truth R-peak times in s.

    Parameters
    ----------
    duration
        Length in s.
    sampling_rate
        ECG rate in Hz.
    seed
        Random seed.
    state
        State script (default: constant rest).
    **options
        Further :class:`Participant` options (``snr_db``, ``noise``, ``ectopic_rate``, …).

    Returns
    -------
    signal, beat_times
        ``(n,)`` float64 ECG in mV sampled at ``i / sampling_rate`` s, and the R-peak times
        in s (beats within ``[0, duration)``).
    """
    rates = {**options.pop("rates", {}), "ECG": sampling_rate}
    rec = simulate(duration, ("ECG",), seed, state, rates=rates, **options)
    return rec["ECG"].data[:, 0].astype(np.float64), rec["BEATS"].timestamps.copy()


def simulate_ppg(
    duration: float,
    sampling_rate: float = 100.0,
    seed: int = 0,
    state: StateLike = "rest",
    **options: Any,
) -> tuple[Array, Array]:
    """PPG in a.u. and the ground-truth R-peak times in s (pulses follow by ``ptt`` s)."""
    rates = {**options.pop("rates", {}), "PPG": sampling_rate}
    rec = simulate(duration, ("PPG",), seed, state, rates=rates, **options)
    return rec["PPG"].data[:, 0].astype(np.float64), rec["BEATS"].timestamps.copy()


def simulate_radar(
    duration: float,
    sampling_rate: float = 100.0,
    seed: int = 0,
    state: StateLike = "rest",
    **options: Any,
) -> tuple[Array, Array, Array]:
    """Radar I/Q, the true chest displacement in mm, and the R-peak times in s.

    Returns
    -------
    iq, displacement, beat_times
        ``(n, 2)`` I/Q in a.u., ``(n,)`` displacement in mm at the same samples, and beat
        times in s.
    """
    rates = {**options.pop("rates", {}), "RADAR": sampling_rate}
    participant = Participant(state, seed, ("RADAR",), rates=rates, **options)
    rec = participant.record(duration)
    latent = Latent(participant.script, participant.seed, participant.physiology)
    radar = RadarRenderer(latent, participant.seed, sampling_rate)
    parts = []
    k = 0
    while k * 10.0 < duration:
        first, stop = block_samples(k, sampling_rate)
        t = np.arange(first, stop) / sampling_rate
        parts.append(radar.displacement(k, first, t))
        k += 1
    n = len(rec["RADAR"].timestamps)
    disp = np.concatenate(parts)[:n]
    return rec["RADAR"].data.astype(np.float64), disp, rec["BEATS"].timestamps.copy()
