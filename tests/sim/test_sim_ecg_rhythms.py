"""Every rhythm's beat statistics match what was asked for, and the truth says so."""

from __future__ import annotations

import numpy as np
import pytest

from heartmind.errors import ConfigError
from heartmind.sim.ecg import EcgSimulator, Ectopy, Rhythm, simulate

FS = 250.0


def _rr(rec: object) -> np.ndarray:
    b = rec.truth.beats  # type: ignore[attr-defined]
    return np.diff(b.time)


@pytest.mark.parametrize(("name", "rate", "label"), [
    ("SB", 45.0, "SB"), ("SR", 75.0, "SR"), ("ST", 130.0, "ST"), ("SB", 30.0, "SB"),
    ("ST", 180.0, "ST"), ("SVT", 175.0, "SVT"), ("AT", 150.0, "SVT"), ("PACED", 70.0, "PACED"),
])  # fmt: skip
def test_regular_rhythms_run_at_the_requested_rate(name: str, rate: float, label: str) -> None:
    rec = simulate(120.0, Rhythm(name, rate=rate), seed=4, leads=("II",), sampling_rate=FS)
    hr = 60.0 / _rr(rec).mean()
    assert abs(hr - rate) < 5.0
    assert rec.truth.labels.rhythm == label
    cv = _rr(rec).std() / _rr(rec).mean()
    assert cv < (0.1 if name in ("SB", "SR", "ST") else 0.01)


def test_sinus_rhythm_has_rsa_and_svt_does_not() -> None:
    sinus = simulate(300.0, Rhythm("ST", rate=160), seed=1, leads=("II",), sampling_rate=FS)
    svt = simulate(300.0, Rhythm("SVT", rate=160), seed=1, leads=("II",), sampling_rate=FS)
    rmssd = [np.sqrt(np.mean(np.diff(_rr(r)) ** 2)) * 1000 for r in (sinus, svt)]
    assert rmssd[0] > 2 * rmssd[1]
    assert np.isnan(svt.truth.beats.p_onset).all()
    assert np.isfinite(sinus.truth.beats.p_onset).all()


def test_af_is_irregular_without_p_waves() -> None:
    rec = simulate(
        300.0, Rhythm("AF", rate=90, irregularity=0.25), seed=2, leads=("II",), sampling_rate=FS
    )
    rr = _rr(rec)
    assert abs(60.0 / rr.mean() - 90.0) < 6.0
    assert 0.18 < rr.std() / rr.mean() < 0.32
    # successive intervals are (nearly) uncorrelated, unlike sinus rhythm
    assert abs(np.corrcoef(rr[1:], rr[:-1])[0, 1]) < 0.2
    b = rec.truth.beats
    assert np.isnan(b.p_onset).all() and set(b.rhythm) == {"AF"}
    assert rec.truth.labels.rhythm == "AFIB" and len(rec.truth.atrial) == 0


def test_rate_controlled_af_and_flutter_ratios() -> None:
    rec = simulate(120.0, Rhythm("AF", rate=65), seed=3, leads=("II",), sampling_rate=FS)
    assert abs(60.0 / _rr(rec).mean() - 65.0) < 6.0
    fl = simulate(
        60.0,
        Rhythm("AFL", atrial_rate=300, conduction=(2, 4)),
        seed=3,
        leads=("II",),
        sampling_rate=FS,
    )
    cycle = 60.0 / 300.0
    ratios = _rr(fl) / cycle
    np.testing.assert_allclose(ratios, np.round(ratios), atol=1e-6)
    assert set(np.round(ratios).astype(int)) == {2, 4}


def test_flutter_waves_are_at_the_requested_rate_in_truth_and_signal() -> None:
    rec = simulate(
        60.0,
        Rhythm("AFL", atrial_rate=280, conduction=4, atrial_amplitude=0.3),
        seed=6,
        leads=("II",),
        sampling_rate=500.0,
    )
    at = rec.truth.atrial
    assert set(at.kind) == {"flutter"} and at.conducted.sum() == pytest.approx(
        len(rec.truth.beats), abs=1
    )
    np.testing.assert_allclose(np.diff(at.onset), 60.0 / 280.0, atol=1e-9)
    # in the flat TQ stretches, the sawtooth's steep edge sits at each truth F-wave start
    b, x = rec.truth.beats, rec.lead("II")
    dx = np.abs(np.diff(x))
    hits = 0
    for i in range(len(b) - 1):
        a, z = int(b.t_offset[i] * 500) + 1, int(b.qrs_onset[i + 1] * 500) - 1
        starts = at.onset[(at.onset > a / 500 + 0.02) & (at.onset < z / 500 - 0.02)]
        for s in starts:
            lo, hi = int(s * 500) - 20, int(s * 500) + 20
            if lo >= a and hi <= z:
                k = lo + int(np.argmax(dx[lo:hi]))
                assert abs(k / 500 - s) < 0.015
                hits += 1
    assert hits > 20


def test_bigeminy_alternates_and_trigeminy_repeats() -> None:
    for kind, period in (("bigeminy", 2), ("trigeminy", 3)):
        rec = simulate(
            600.0,
            "SR",
            seed=8,
            leads=("II",),
            sampling_rate=FS,
            ectopy=Ectopy(pvc=0.3, **{kind: 1.0}),
        )
        eps = rec.truth.episodes.of("ectopy")
        mine = eps.label == kind
        assert mine.sum() >= 3 and set(eps.label) == {kind}
        b = rec.truth.beats
        for a, z, n in zip(eps.start[mine], eps.end[mine], eps.count[mine], strict=True):
            sym = "".join(b.symbol[(b.time >= a) & (b.time <= z)])
            assert sym == ("V" + "N" * (period - 1)) * (n - 1) + "V"


def test_couplets_and_runs_are_counted_in_the_truth() -> None:
    rec = simulate(
        1800.0,
        "SR",
        seed=11,
        leads=("II",),
        sampling_rate=FS,
        ectopy=Ectopy(pvc=0.2, couplet=0.3, run=0.3, run_length=(3, 6)),
    )
    b, eps = rec.truth.beats, rec.truth.episodes.of("ectopy")
    sym = "".join(b.symbol)
    groups = [len(g) for g in sym.replace("N", " ").split()]
    couplets = eps.label == "couplet"
    runs = eps.label == "run"
    assert groups.count(2) == couplets.sum() > 10
    assert sum(1 for g in groups if g >= 3) == runs.sum() > 10
    assert set(eps.count[runs]) <= {3, 4, 5, 6} and set(eps.count[couplets]) == {2}
    assert sum(groups) == rec.truth.labels.counts["V"]
    fraction = rec.truth.labels.counts["V"] / len(b)
    assert abs(fraction - 0.2) < 0.04
    # shares of PVC events: singles 40 %, couplets 30 %, runs 30 % (binomial tolerance)
    events = groups.count(1) + couplets.sum() + runs.sum()
    assert abs(couplets.sum() / events - 0.3) < 0.1


@pytest.mark.parametrize("fraction", [0.05, 0.3])
def test_pvc_and_pac_fractions(fraction: float) -> None:
    rec = simulate(
        1800.0, "SR", seed=5, leads=("II",), sampling_rate=FS, ectopy=Ectopy(pvc=fraction, pac=0.05)
    )
    c, n = rec.truth.labels.counts, len(rec.truth.beats)
    assert abs(c["V"] / n - fraction) < 0.03 + 0.1 * fraction
    assert abs(c["S"] / n - 0.05) < 0.02


def test_pvc_pauses_pac_resets_and_interpolation() -> None:
    rec = simulate(
        900.0,
        Rhythm("SR", rate=60),
        seed=12,
        leads=("II",),
        sampling_rate=FS,
        ectopy=Ectopy(pvc=0.08, pac=0.05, interpolated=0.5),
    )
    b = rec.truth.beats
    rr = np.diff(b.time)
    sinus = np.median(rr[(b.symbol[1:] == "N") & (b.symbol[:-1] == "N")])
    comp, interp, pac_spans = 0, 0, []
    for i in range(1, len(b) - 1):
        if b.symbol[i] == "V" and b.symbol[i - 1] == "N" and b.symbol[i + 1] == "N":
            span = b.time[i + 1] - b.time[i - 1]
            if abs(span - 2 * sinus) < 0.15 * sinus:
                comp += 1  # full compensatory pause
            elif abs(span - sinus) < 0.2 * sinus:
                interp += 1  # interpolated
        if b.symbol[i] == "A" and b.symbol[i - 1] == "N":
            assert b.time[i] - b.time[i - 1] < 0.9 * sinus  # premature
            pac_spans.append((b.time[i + 1] - b.time[i - 1]) / sinus)
    assert comp > 5 and interp > 5 and len(pac_spans) > 20
    assert np.mean(pac_spans) < 1.9 and max(pac_spans) < 2.1  # the PAC resets the sinus node
    assert rec.truth.labels.counts["interpolated"] == pytest.approx(interp, abs=2)
    blocked = ~rec.truth.atrial.conducted
    assert blocked.sum() >= comp  # the sinus P hidden in each compensated PVC


def test_sinus_pauses_and_escape_beats() -> None:
    rec = simulate(
        600.0,
        "SR",
        seed=3,
        leads=("II",),
        sampling_rate=FS,
        ectopy=Ectopy(pauses=2.0, pause_duration=(2.2, 3.0), escape=0.5),
    )
    eps = rec.truth.episodes.of("ectopy")
    pauses = eps.label == "pause"
    assert pauses.sum() > 8
    b = rec.truth.beats
    for a, z in zip(eps.start[pauses], eps.end[pauses], strict=True):
        i = int(np.searchsorted(b.time, a))
        assert b.time[i] == pytest.approx(a)
        nxt = b.time[i + 1]
        assert nxt == pytest.approx(z, abs=0.01) or b.symbol[i + 1] == "j"
        assert 1.2 < nxt - a < 3.1
    assert "j" in set(b.symbol) and rec.truth.labels.counts["N"] == len(b)


def test_fusion_and_paced_beats() -> None:
    rec = simulate(
        600.0, "SR", seed=4, leads=("II",), sampling_rate=500.0, ectopy=Ectopy(pvc=0.1, fusion=0.5)
    )
    b = rec.truth.beats
    f = b.symbol == "F"
    assert f.sum() > 5 and set(b.aami[f]) == {"F"} and np.isfinite(b.p_onset[f]).all()
    paced = simulate(30.0, "PACED", seed=4, leads=("II",), sampling_rate=500.0)
    pb = paced.truth.beats
    assert set(pb.aami) == {"Q"} and np.isfinite(pb.pace).all()
    assert (pb.qrs_offset - pb.qrs_onset).min() > 0.12
    dx = np.abs(np.diff(paced.lead("II")))
    for p in pb.samples("pace"):
        assert dx[p - 3 : p + 3].max() > 5 * np.median(dx)  # the spike is rendered


def test_episodes_switch_rhythm_and_label_windows() -> None:
    sched = [
        Rhythm("SR", rate=70, duration=30),
        Rhythm("AF", rate=110, duration=30),
        Rhythm("AFL", duration=30),
        Rhythm("SVT", rate=170, duration=30),
        Rhythm("SB", rate=48),
    ]
    rec = simulate(150.0, sched, seed=2, leads=("II",), sampling_rate=FS)
    truth = rec.truth
    rh = truth.episodes.of("rhythm")
    assert list(rh.label) == ["SR", "AF", "AFL", "SVT", "SB"]
    expect = ["SR", "AFIB", "AFIB", "SVT", "SB"]
    for k, want in enumerate(expect):
        assert truth.rhythm_label(30 * k + 5, 30 * k + 25) == want
    assert set(truth.labels.rhythms) == {"SR", "AFIB", "SVT", "SB"}
    b = truth.beats
    in_af = (b.time > 31) & (b.time < 59)
    assert set(b.rhythm[in_af]) == {"AF"} and np.isnan(b.p_onset[in_af]).all()


def test_first_degree_av_block_lengthens_pr() -> None:
    normal = simulate(30.0, "SR", seed=1, leads=("II",)).truth.beats
    block = simulate(30.0, "SR", seed=1, leads=("II",), conditions=("AVB1",)).truth
    pr = block.beats.qrs_onset - block.beats.p_onset
    assert pr.min() > 0.2 and (normal.qrs_onset - normal.p_onset).max() < 0.2
    assert block.labels.superclasses == ("CD",)


def test_bad_requests_are_refused() -> None:
    with pytest.raises(ConfigError, match="30 to 180 bpm"):
        Rhythm("SR", rate=200)
    with pytest.raises(ConfigError, match="unknown"):
        Rhythm("VF")
    with pytest.raises(ConfigError, match="needs one"):
        EcgSimulator(rhythm=["SR", "AF"])
    with pytest.raises(ConfigError, match="exceed 1"):
        Ectopy(pvc=0.1, couplet=0.6, run=0.6)
    with pytest.raises(ConfigError, match=r"Ectopy\.pvc"):
        Ectopy(pvc=0.7)
