"""Twelve leads from one dipole: the lead relations hold exactly; lead subsets are the same
signals; lead names are checked."""

from __future__ import annotations

import numpy as np
import pytest

from heartmind.errors import ConfigError
from heartmind.sim.ecg import LEADS, Ectopy, add_noise, lead_vectors, simulate


def _relations(x: np.ndarray, leads: tuple[str, ...]) -> dict[str, np.ndarray]:
    c = {name: x[:, i] for i, name in enumerate(leads)}
    return {
        "einthoven": c["II"] - (c["I"] + c["III"]),
        "goldberger_sum": c["aVR"] + c["aVL"] + c["aVF"],
        "aVR": c["aVR"] + (c["I"] + c["II"]) / 2,
        "aVL": c["aVL"] - (c["I"] - c["III"]) / 2,
        "aVF": c["aVF"] - (c["II"] + c["III"]) / 2,
    }


@pytest.mark.parametrize("rhythm", ["SR", "AF", "AFL", "PACED"])
def test_einthoven_and_goldberger_hold_exactly(rhythm: str) -> None:
    rec = simulate(10.0, rhythm, seed=5, ectopy=Ectopy(pvc=0.2, pac=0.05))
    assert rec.signal.shape == (5000, 12) and rec.leads == LEADS
    assert np.abs(rec.signal).max() > 0.5  # a real ECG, not zeros
    for name, residual in _relations(rec.signal, rec.leads).items():
        assert np.abs(residual).max() < 1e-12, name


def test_relations_hold_for_electrode_noise_and_not_for_independent_noise() -> None:
    rec = simulate(20.0, "SR", seed=2)
    both, _ = add_noise(
        rec.signal, 500, {"emg": 10, "baseline": 5}, leads=rec.leads, electrodes=True, seed=1
    )
    for name, residual in _relations(both, rec.leads).items():
        assert np.abs(residual).max() < 1e-12, name
    apart, _ = add_noise(rec.signal, 500, {"emg": 10}, leads=rec.leads, seed=1)
    assert np.abs(_relations(apart, rec.leads)["einthoven"]).max() > 0.01


def test_lead_subset_gives_the_same_samples() -> None:
    full = simulate(12.0, "SR", seed=9, ectopy=Ectopy(pvc=0.2))
    part = simulate(12.0, "SR", seed=9, ectopy=Ectopy(pvc=0.2), leads=("V1", "III", "aVF"))
    for name in part.leads:
        np.testing.assert_allclose(part.lead(name), full.lead(name), atol=1e-12)
    np.testing.assert_array_equal(part.truth.beats.time, full.truth.beats.time)


def test_vcg_leads_are_the_dipole_and_project_onto_the_leads() -> None:
    vcg = simulate(5.0, "SR", seed=3, leads=("X", "Y", "Z")).signal
    ecg = simulate(5.0, "SR", seed=3).signal
    np.testing.assert_allclose(vcg @ lead_vectors(LEADS).T, ecg, atol=1e-12)


def test_lead_names_are_checked() -> None:
    with pytest.raises(ConfigError, match="unknown lead 'V7'"):
        simulate(1.0, leads=("II", "V7"))
    with pytest.raises(ConfigError, match="twice"):
        simulate(1.0, leads=("II", "ii"))
    assert simulate(1.0, leads="avf").leads == ("aVF",)
