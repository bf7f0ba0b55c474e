"""The heartmind simulator: a scripted affective state drives physiology, behaviour, radar
and face streams, each with its ground truth. Seeded, deterministic, streamable and fast.

    from heartmind.sim import Participant, StateScript, simulate_ecg

    script = StateScript.load("rest-stress-recovery")
    p = Participant(state=script, seed=1, modalities=("ECG", "PPG", "EDA", "RSP"))
    for chunk in p.chunks(t0=0.0, duration=60.0):
        ...
    ecg, beats = simulate_ecg(60.0, sampling_rate=500, seed=1)

The clinical 12-lead ECG simulator (rhythms, ectopy, conditions, noise, beat-level truth)
is the subpackage :mod:`heartmind.sim.ecg` (docs/simulator-ecg.md).

Nothing is downloaded; only numpy and scipy are used.
"""

from __future__ import annotations

from .latent import Physiology
from .noise import NOISE_TYPES
from .offline import simulate, simulate_ecg, simulate_ppg, simulate_radar
from .participant import DEFAULT_RATES, MODALITIES, Participant, Recording
from .state import Phase, StateScript, StateValues, bundled_states

__all__ = [
    "DEFAULT_RATES",
    "MODALITIES",
    "NOISE_TYPES",
    "Participant",
    "Phase",
    "Physiology",
    "Recording",
    "StateScript",
    "StateValues",
    "bundled_states",
    "simulate",
    "simulate_ecg",
    "simulate_ppg",
    "simulate_radar",
]
