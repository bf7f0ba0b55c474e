"""Respiration rate and EDA (tonic, SCRs) on the simulator, against its latent ground truth."""

from __future__ import annotations

import numpy as np
import pytest
from physio_helpers import chunks, run

from heartmind import StreamInfo, event_from_json
from heartmind.errors import ConfigError
from heartmind.plugins.physio.api import (
    EDAProcessor,
    RespirationProcessor,
    eda_phasic,
    eda_process,
    rsp_peaks,
    rsp_rate,
)
from heartmind.plugins.physio.events import SCR, RespirationRate, SkinConductance
from heartmind.sim import Participant
from heartmind.sim.latent import Latent

DURATION = 600.0


@pytest.fixture(scope="module")
def sim() -> dict[str, object]:
    p = Participant("rest-stress-recovery", 4, ("RSP", "EDA"))
    rec = p.record(DURATION)
    latent = Latent(p.script, p.seed, p.physiology)
    grid = np.arange(0.0, DURATION, 0.5)
    phase, _ = latent.resp_at(grid)
    onsets, amps = Latent(p.script, p.seed, p.physiology).scrs(0.0, DURATION)
    return {"rec": rec, "grid": grid, "phase": phase, "onsets": onsets, "amps": amps}


def _true_rate(sim: dict[str, object], t: np.ndarray, window: float) -> np.ndarray:
    grid, phase = sim["grid"], sim["phase"]
    a, b = np.interp(t - window, grid, phase), np.interp(t, grid, phase)  # type: ignore[arg-type]
    return (b - a) / (2 * np.pi) * 60.0 / window


def test_respiration_rate_within_1_per_minute(sim: dict[str, object]) -> None:
    rsp = sim["rec"]["RSP"]  # type: ignore[index]
    x, fs = rsp.data[:, 0].astype(float), rsp.info.rate
    breaths, _ = rsp_peaks(x, fs)
    grid, rate = rsp_rate(breaths, fs, window=30.0, interval=5.0, n_samples=x.size)
    ok = grid >= 30.0
    err = rate[ok] - _true_rate(sim, grid[ok], 30.0)
    assert np.abs(err).max() < 1.0  # breaths/min, rest 15 → stress ~22 → recovery
    assert np.ptp(rate[ok]) > 4.0  # it follows the stress phase
    events = run(RespirationProcessor(), chunks(x, rsp.info, 0.0, 37))
    got = np.array([e.rate for e in events if isinstance(e, RespirationRate)])
    np.testing.assert_allclose(got, rate[~np.isnan(rate)], atol=1e-9)  # streaming == offline


@pytest.mark.parametrize("size", [1, 50, 1000])
def test_rsp_chunk_size_independent(sim: dict[str, object], size: int) -> None:
    x = sim["rec"]["RSP"].data[:3000, 0].astype(float)  # type: ignore[index]
    ref, _ = rsp_peaks(x, 50.0)
    np.testing.assert_allclose(rsp_peaks(x, 50.0, chunk_size=size)[0], ref, atol=1e-9)


def test_rsp_compare_with_neurokit(sim: dict[str, object]) -> None:
    x = sim["rec"]["RSP"].data[:, 0].astype(float)  # type: ignore[index]
    ours, _ = rsp_peaks(x, 50.0)
    theirs, _ = rsp_peaks(x, 50.0, method="neurokit")
    assert abs(ours.size - theirs.size) <= 3
    rate_ours = 60.0 * 50.0 / np.mean(np.diff(ours))
    rate_nk = 60.0 * 50.0 / np.mean(np.diff(theirs))
    assert abs(rate_ours - rate_nk) < 0.5


def test_scrs_against_ground_truth(sim: dict[str, object]) -> None:
    eda = sim["rec"]["EDA"]  # type: ignore[index]
    x, fs = eda.data[:, 0].astype(float), eda.info.rate
    out = eda_process(x, fs)
    found, truth = out["SCR_Onsets"] / fs, sim["onsets"]
    d = np.abs(found[:, None] - truth[None, :])  # type: ignore[index]
    precision = np.mean(d.min(axis=1) < 1.0)
    sensitivity = np.mean(d.min(axis=0) < 1.0)
    assert precision > 0.9 and sensitivity > 0.85, (precision, sensitivity)
    assert (out["SCR_Amplitude"] >= 0.02).all() and (out["SCR_RiseTime"] > 0.2).all()
    tonic = out["EDA_Tonic"]
    rest, stress = (
        tonic[int(100 * fs) : int(170 * fs)].mean(),
        tonic[int(300 * fs) : int(400 * fs)].mean(),
    )
    assert stress - rest > 1.0  # µS: the level rises with activation
    excess = (tonic - out["EDA_Clean"])[int(10 * fs) :]
    assert np.percentile(excess, 95) < 0.1  # µS: the tonic stays under the signal


def test_eda_streaming_equals_offline(sim: dict[str, object]) -> None:
    eda = sim["rec"]["EDA"]  # type: ignore[index]
    x, fs = eda.data[:10000, 0].astype(float), eda.info.rate
    ref = eda_process(x, fs)
    for size in (1, 17, 500):
        out = eda_process(x, fs, chunk_size=size)
        for key in ("EDA_Tonic", "EDA_Phasic", "SCR_Onsets", "SCR_Amplitude"):
            np.testing.assert_allclose(out[key], ref[key], atol=1e-9)
    events = run(EDAProcessor(), chunks(x, eda.info, 10.0, 23))
    scr = [e for e in events if isinstance(e, SCR)]
    np.testing.assert_allclose([e.timestamp for e in scr], 10.0 + ref["SCR_Onsets"] / fs, atol=1e-9)
    sc = [e for e in events if isinstance(e, SkinConductance)]
    assert len(sc) == 199 and all(e.stream == eda.info.name for e in sc)
    k = round(50.0 * fs)  # sc[49] is at t = 10 + 50 s: sample 2500
    assert sc[49].tonic == pytest.approx(ref["EDA_Tonic"][k], abs=1e-9)
    assert isinstance(event_from_json(scr[0].to_json()), SCR)


def test_eda_compare_with_neurokit(sim: dict[str, object]) -> None:
    x = sim["rec"]["EDA"].data[:, 0].astype(float)  # type: ignore[index]
    ours, _ = eda_phasic(x, 50.0)
    theirs, _ = eda_phasic(x, 50.0, method="median")
    assert np.corrcoef(ours[500:], theirs[500:])[0, 1] > 0.95
    assert np.mean(np.abs(ours - theirs)) < 0.3  # µS


def test_eda_errors() -> None:
    with pytest.raises(ValueError, match="heartmind, median, highpass"):
        eda_phasic(np.ones(100), 50.0, method="cvx")
    with pytest.raises(ConfigError, match="NaN"):
        eda_process(np.array([1.0, np.nan, 1.0]), 50.0)
    with pytest.raises(ConfigError, match="at least 4"):
        run(EDAProcessor(), chunks(np.ones(10), StreamInfo("e", "EDA", ("EDA",), rate=1.0), 0, 5))
