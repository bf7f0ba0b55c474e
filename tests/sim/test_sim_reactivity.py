"""Per-subject reactivity options of ``Physiology``: RSA drop, EDA tonic gain, behaviour gain."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from heartmind.layouts import KeyAction
from heartmind.sim import Participant, Physiology, StateScript
from heartmind.sim.state import Phase

SCRIPT = StateScript(
    [Phase("rest", 120.0, stress=0.0, arousal=-0.3), Phase("stress", 120.0, stress=1.0)]
)


def _rmssd_ratio(phys: Physiology) -> float:
    rec = Participant(SCRIPT, 3, ("ECG",), physiology=phys).record(240.0)
    t = rec["BEATS"].timestamps
    rr = np.diff(t)
    rest, stress = rr[t[1:] < 110], rr[t[1:] > 140]
    return float(np.sqrt(np.mean(np.diff(stress) ** 2)) / np.sqrt(np.mean(np.diff(rest) ** 2)))


def test_defaults_unchanged() -> None:
    p = Physiology()
    assert (p.rsa_drop, p.eda_tonic_gain, p.behaviour_gain) == (0.8, 3.0, 1.0)


def test_rsa_drop_sets_the_vagal_response() -> None:
    fixed = Physiology(hr_gain=0.0, resp_gain=0.0, jitter=0.0)
    assert _rmssd_ratio(replace(fixed, rsa_drop=0.0)) > 0.85
    assert _rmssd_ratio(replace(fixed, rsa_drop=0.8)) < 0.5


def test_eda_tonic_gain() -> None:
    def rise(gain: float) -> float:
        rec = Participant(
            SCRIPT,
            3,
            ("EDA",),
            physiology=Physiology(eda_tonic_gain=gain, scr_rate=0.0, scr_gain=0.0),
        ).record(240.0)
        x, t = rec["EDA"].data[:, 0], rec["EDA"].timestamps
        return float(x[t > 220].mean() - x[(t > 60) & (t < 110)].mean())

    assert 2.0 < rise(3.0) < 3.2
    assert abs(rise(0.0)) < 0.5


def test_behaviour_gain_zero_makes_typing_state_independent() -> None:
    def flights(gain: float) -> tuple[float, float]:
        rec = Participant(SCRIPT, 3, ("KEYS",), physiology=Physiology(behaviour_gain=gain))
        keys = rec.record(240.0)["KEYS"]
        t = keys.timestamps[keys.data[:, 0] == KeyAction.PRESS]
        gaps, at = np.diff(t), t[1:]
        inside = gaps < 1.0  # flights within typing bursts
        rest = np.median(gaps[inside & (at < 120.0)])
        stress = np.median(gaps[inside & (at >= 120.0)])
        return float(rest), float(stress)

    rest, stress = flights(1.0)
    assert stress < 0.85 * rest
    rest0, stress0 = flights(0.0)
    assert abs(stress0 - rest0) < 0.1 * rest0
