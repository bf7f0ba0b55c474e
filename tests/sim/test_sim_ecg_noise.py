"""Noise at a known SNR: the definition holds per lead, event spans and contact loss are in
the truth, textile motion follows the movement, streams keep their level."""

from __future__ import annotations

import numpy as np
import pytest

from heartmind.errors import ConfigError
from heartmind.sim.ecg import (
    NOISE_TYPES,
    PRESETS,
    EcgSimulator,
    NoiseSpec,
    add_noise,
    simulate,
    snr_db,
)

FS = 500.0
ADDITIVE = [t for t in NOISE_TYPES if t != "contact"]


@pytest.fixture(scope="module")
def clean() -> object:
    return simulate(30.0, "SR", seed=1, sampling_rate=FS)


@pytest.mark.parametrize("kind", ADDITIVE)
@pytest.mark.parametrize("snr", [5.0, 20.0])
def test_each_type_lands_at_the_requested_snr_per_lead(
    clean: object, kind: str, snr: float
) -> None:
    x = clean.signal  # type: ignore[attr-defined]
    noisy, truth = add_noise(x, FS, {kind: snr}, leads=clean.leads, seed=3)  # type: ignore[attr-defined]
    measured = snr_db(x, noisy - x)
    assert np.abs(measured - snr).max() < 0.5
    np.testing.assert_allclose(truth.snr_db[kind], measured, atol=1e-9)
    assert np.abs(noisy - x).max() > 0


def test_mixtures_presets_and_electrode_noise(clean: object) -> None:
    x = clean.signal  # type: ignore[attr-defined]
    noisy, truth = add_noise(
        x, FS, {"baseline": 10.0, "emg": 16.0, "powerline": 20.0}, leads=clean.leads, seed=5
    )  # type: ignore[attr-defined]
    total = 10 * np.log10(sum(10 ** (-s / 10) for s in (10.0, 16.0, 20.0)) ** -1)
    assert np.abs(snr_db(x, noisy - x) - total).max() < 0.6  # the types are nearly uncorrelated
    for name in ("holter", "static_noise", "burst_noise", "baseline_drift"):
        noisy, truth = add_noise(x, FS, name, snr_db=8.0, leads=clean.leads, seed=2)  # type: ignore[attr-defined]
        per_type = np.array(list(truth.snr_db.values()))
        combined = -10 * np.log10(np.sum(10 ** (-per_type / 10), axis=0))
        assert np.abs(combined - 8.0).max() < 0.5, name
    noisy, truth = add_noise(x, FS, {"emg": 12.0}, leads=clean.leads, seed=2, electrodes=True)  # type: ignore[attr-defined]
    pc = np.mean(x**2, axis=0).mean()
    pn = np.mean((noisy - x) ** 2, axis=0).mean()
    assert abs(10 * np.log10(pc / pn) - 12.0) < 0.01  # defined on lead-averaged powers


@pytest.mark.parametrize("kind", ["motion", "burst", "pops", "steps"])
def test_event_noise_lies_in_its_spans(kind: str) -> None:
    x = np.zeros(int(120 * FS))
    x[::250] = 1.0  # any clean power will do for the scaling
    noisy, truth = add_noise(x, FS, {kind: 0.0}, seed=7)
    spans = truth.spans
    assert len(spans) > 0 and set(spans.type) == {kind}
    inside = np.zeros(x.size, dtype=bool)
    t = np.arange(x.size) / FS
    for a, z in zip(spans.start, spans.end, strict=True):
        inside |= (t >= a - 0.01) & (t <= z + 0.01)
    e = noisy - x
    assert np.sum(e[inside] ** 2) > 0.97 * np.sum(e**2)  # (exponential tails beyond the span)


def test_contact_loss_is_flat_or_saturated_and_recorded(clean: object) -> None:
    x = clean.signal  # type: ignore[attr-defined]
    spec = NoiseSpec("contact", per_min=6.0, mode="mixed", rail=4.0)
    noisy, truth = add_noise(x, FS, [spec, NoiseSpec("emg", 30.0)], leads=clean.leads, seed=4)  # type: ignore[attr-defined]
    sp = truth.spans
    lost = sp.type == "contact"
    assert lost.sum() > 5
    t = np.arange(len(x)) / FS
    touched = np.zeros(x.shape, dtype=bool)
    for a, z, lead in zip(sp.start[lost], sp.end[lost], sp.lead[lost], strict=True):
        j = clean.leads.index(lead)  # type: ignore[attr-defined]
        sel = (t >= a) & (t < z)
        assert set(np.unique(noisy[sel, j])) <= {0.0, 4.0, -4.0}
        touched[sel, j] = True
    assert np.abs(noisy[~touched] - x[~touched]).max() < 0.2  # elsewhere only the faint EMG


def test_textile_motion_follows_the_movement(clean: object) -> None:
    x = clean.signal  # type: ignore[attr-defined]
    _noisy, truth = add_noise(x, FS, "textile_walk", snr_db=6.0, leads=clean.leads, seed=9)  # type: ignore[attr-defined]
    assert truth.movement is not None and truth.movement.shape == (len(x),)
    motion_only, t2 = add_noise(x, FS, {"textile_motion": 0.0}, leads=clean.leads, seed=9)  # type: ignore[attr-defined]
    e = motion_only - x
    m = t2.movement
    corr = [abs(np.corrcoef(np.abs(e[:, j]), np.abs(m))[0, 1]) for j in range(12)]
    assert max(corr) > 0.5
    still = (np.abs(m) < 1e-9).astype(float)
    quiet = np.convolve(still, np.ones(101), mode="same") > 100.5  # still for ±0.1 s
    if quiet.any():
        assert np.abs(e[quiet]).max() < 1e-9  # no movement, no artefact
    assert set(PRESETS) >= {"textile_rest", "textile_walk", "textile_run"}


def test_stream_noise_keeps_the_requested_level_and_reports_it() -> None:
    sim = EcgSimulator(
        None,
        "SR",
        seed=2,
        sampling_rate=FS,
        leads=("II", "V2"),
        noise={"emg": 10.0, "powerline": 15.0, "baseline": 5.0},
    )
    rec = sim.record(120.0)
    measured = snr_db(rec.clean, rec.signal - rec.clean)
    assert rec.noise is not None
    np.testing.assert_allclose(rec.noise.total_snr_db, measured, atol=1e-6)
    for kind, want in (("emg", 10.0), ("powerline", 15.0), ("baseline", 5.0)):
        assert np.abs(rec.noise.snr_db[kind] - want).max() < 0.5, kind
    again = EcgSimulator(
        None,
        "SR",
        seed=2,
        sampling_rate=FS,
        leads=("II", "V2"),
        noise={"emg": 10.0, "powerline": 15.0, "baseline": 5.0},
    ).record(120.0)
    np.testing.assert_array_equal(rec.signal, again.signal)


def test_bad_noise_requests_are_refused() -> None:
    with pytest.raises(ConfigError, match="unknown"):
        NoiseSpec("hiss", 10.0)
    with pytest.raises(ConfigError, match="needs snr_db"):
        add_noise(np.zeros(1000), FS, "holter")
    with pytest.raises(ConfigError, match="sampling rate"):
        add_noise(np.ones(1000), 100.0, {"powerline": 10.0})
