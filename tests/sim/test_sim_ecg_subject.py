"""Subjects: ectopic foci in their ranges, bounded session drift, determinism by seed and
different hearts for different seeds."""

from __future__ import annotations

import math

import numpy as np
import pytest

from heartmind.errors import ConfigError
from heartmind.sim.ecg import DRIFT, EcgSimulator, Ectopy, Subject, simulate

FS = 500.0


@pytest.mark.parametrize("subject", [1, 2, 3, 4, 5, 6])
def test_pvcs_are_wide_large_and_of_both_polarities(subject: int) -> None:
    rec = simulate(
        300.0,
        "SR",
        subject=subject,
        seed=subject,
        sampling_rate=FS,
        leads=("II",),
        ectopy=Ectopy(pvc=0.25, multiform=0.8),
    )
    b = rec.truth.beats
    v, n = b.symbol == "V", b.symbol == "N"
    width = (b.qrs_offset - b.qrs_onset)[v]
    assert width.min() >= 0.12 - 1e-9 and width.max() <= 0.20 + 1e-9
    assert (b.qrs_offset - b.qrs_onset)[n].max() < 0.11
    ratio = b.qrs_amplitude[v] / np.median(b.qrs_amplitude[n])
    assert ratio.min() > 0.8 * 0.85 and ratio.max() < 4.0 * 1.15  # breathing modulates ±10 %
    shapes = set(b.morphology[v])
    n_foci = len(Subject.random(subject).foci)
    assert len(shapes) == n_foci >= 2  # multiform
    # polarity of the dominant deflection in lead II: both signs among the foci
    x = rec.lead("II")
    signs = set()
    for i in np.nonzero(v)[0]:
        a, z = math.ceil(b.qrs_onset[i] * FS), math.floor(b.qrs_offset[i] * FS) + 1
        if a >= 0 and z <= len(x):
            seg = x[a:z]
            signs.add(float(np.sign(seg[np.argmax(np.abs(seg))])))
    assert signs == {-1.0, 1.0}
    assert ratio.max() > 1.5


def test_foci_ranges_over_many_subjects() -> None:
    foci = [f for s in range(200) for f in Subject.random(s).foci]
    amp = np.array([f.amplitude for f in foci])
    assert amp.min() >= 0.8 and amp.max() <= 4.0 and (amp > 3.0).any()
    assert all(0.12 <= f.duration <= 0.20 for f in foci)
    assert {len(Subject.random(s).foci) for s in range(50)} == {2, 3}


def test_session_drift_stays_within_bounds_and_changes_the_record() -> None:
    base = Subject.random(11)
    for k in range(1, 30):
        s = base.session(k)
        assert abs(s.axis - base.axis) <= DRIFT["axis_deg"] + 1e-9
        gain = s.qrs_amplitude / base.qrs_amplitude
        assert 1 - DRIFT["amplitude"] <= gain <= 1 + DRIFT["amplitude"]
        assert s.p_amplitude / base.p_amplitude == pytest.approx(gain)
        assert abs(s.hr - base.hr) <= DRIFT["hr_bpm"] + 1e-9
        assert s.foci == base.foci and s.qrs_duration == base.qrs_duration
    assert base.session(3) == base.session(3) and base.session(0) is base
    r0 = simulate(120.0, "SR", subject=base, seed=1)
    r1 = simulate(120.0, "SR", subject=base, session=4, seed=1)
    s4 = base.session(4)
    assert abs(r1.truth.labels.axis - r0.truth.labels.axis - (s4.axis - base.axis)) < 0.5
    hr = [60.0 / np.diff(r.truth.beats.time).mean() for r in (r0, r1)]
    assert abs((hr[1] - hr[0]) - (s4.hr - base.hr)) < 5.0
    amp = [np.median(r.truth.beats.qrs_amplitude) for r in (r0, r1)]
    assert amp[1] / amp[0] == pytest.approx(s4.qrs_amplitude / base.qrs_amplitude, rel=0.05)


def test_same_seed_same_record_and_other_seed_other_record() -> None:
    opts = {"ectopy": Ectopy(pvc=0.1, pac=0.05), "conditions": ("RBBB",)}
    a = simulate(20.0, "SR", seed=3, **opts)
    b = simulate(20.0, "SR", seed=3, **opts)
    c = simulate(20.0, "SR", seed=4, **opts)
    np.testing.assert_array_equal(a.signal, b.signal)
    np.testing.assert_array_equal(a.truth.beats.time, b.truth.beats.time)
    assert a.signal.shape == c.signal.shape and not np.allclose(a.signal, c.signal)
    # the record seed changes the beats, not the heart
    d = simulate(20.0, "SR", seed=4, subject=Subject.random(3), **opts)
    assert d.truth.labels.axis == pytest.approx(a.truth.labels.axis)


def _median_beat(rec: object) -> np.ndarray:
    b = rec.truth.beats  # type: ignore[attr-defined]
    x = rec.clean  # type: ignore[attr-defined]
    beats = [
        x[s - 100 : s + 200]
        for s, sym in zip(b.samples("time"), b.symbol, strict=True)
        if sym == "N" and 100 <= s < len(x) - 200
    ]
    return np.median(np.array(beats), axis=0).ravel()


def test_held_out_subjects_have_different_morphologies() -> None:
    templates = [_median_beat(simulate(15.0, Rhythm_sr(), subject=s, seed=0)) for s in range(12)]
    worst = 0.0
    for i in range(len(templates)):
        for j in range(i + 1, len(templates)):
            worst = max(worst, float(np.corrcoef(templates[i], templates[j])[0, 1]))
    assert worst < 0.985
    # while one subject across sessions stays recognisable
    s = Subject.random(4)
    own = [_median_beat(simulate(15.0, Rhythm_sr(), subject=s, session=k, seed=k)) for k in (0, 1)]
    assert np.corrcoef(own[0], own[1])[0, 1] > 0.85


def Rhythm_sr() -> object:  # noqa: N802 - a fixed-rate sinus rhythm for template comparisons
    from heartmind.sim.ecg import Rhythm

    return Rhythm("SR", rate=70)


def test_subject_values_are_checked() -> None:
    with pytest.raises(ConfigError, match="qrs_duration"):
        Subject(qrs_duration=0.2)
    with pytest.raises(ConfigError, match="n_foci"):
        Subject.random(1, n_foci=4)
    with pytest.raises(ConfigError, match="session index"):
        Subject.random(1).session(-1)
    with pytest.raises(ConfigError, match="sampling_rate"):
        EcgSimulator(sampling_rate=20)


def test_a_hand_made_subject_needs_foci_for_pvcs() -> None:
    with pytest.raises(ConfigError, match="no ventricular foci"):
        EcgSimulator(Subject(), ectopy=Ectopy(pvc=0.1))
    rec = EcgSimulator(Subject(axis=-20.0, hr=90.0), leads=("II",)).record(10.0)
    assert abs(rec.truth.labels.axis + 20.0) < 1e-6
    assert abs(60.0 / np.diff(rec.truth.beats.time).mean() - 90.0) < 8.0
