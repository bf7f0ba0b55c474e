"""Recipes give exactly the labels they promise, with the hard cases the models need."""

from __future__ import annotations

import numpy as np
import pytest

from heartmind.errors import ConfigError
from heartmind.sim.ecg import (
    EXGNET_CLASSES,
    activity_record,
    diagnostic_example,
    rhythm_example,
    snr_db,
)


def _nn_rate(rec: object) -> float:
    b = rec.truth.beats  # type: ignore[attr-defined]
    ok = (b.aami[1:] == "N") & (b.aami[:-1] == "N")
    return float(60.0 / np.diff(b.time)[ok].mean())


def test_rhythm_examples_are_labelled_truthfully_and_crowd_the_borders() -> None:
    rates: dict[str, list[float]] = {c: [] for c in EXGNET_CLASSES}
    for label in EXGNET_CLASSES:
        for seed in range(10):
            rec = rhythm_example(label, seed, subject=100 + seed)
            assert rec.truth.labels.rhythm == label
            assert rec.signal.shape == (5000, 1)
            assert rec.noise is not None
            total = rec.noise.total_snr_db
            assert np.all((total > 5.0 - 1e-6) & (total < 20.0 + 1e-6))
            np.testing.assert_allclose(total, snr_db(rec.clean, rec.signal - rec.clean))
            rates[label].append(_nn_rate(rec))
    assert any(55 <= r < 60 for r in rates["SB"])
    assert any(60 <= r < 66 for r in rates["SR"]) and any(94 < r <= 100 for r in rates["SR"])
    assert any(r > 150 for r in rates["ST"]) and any(r > 150 for r in rates["SVT"])
    assert any(r < 100 for r in rates["AFIB"])  # rate-controlled AF


def test_diagnostic_examples_carry_their_superclasses() -> None:
    for seed, classes in enumerate([["NORM"], ["MI"], ["CD", "STTC"], ["HYP"], ["AF", "MI"]]):
        rec = diagnostic_example(classes, seed)
        labels = rec.truth.labels
        hot = labels.multi_hot(("NORM", "MI", "STTC", "CD", "HYP", "AF"))
        want = [1.0 if c in classes else 0.0 for c in ("NORM", "MI", "STTC", "CD", "HYP", "AF")]
        np.testing.assert_array_equal(hot, want)
        assert rec.signal.shape == (5000, 12)
    with pytest.raises(ConfigError, match="NORM stands alone"):
        diagnostic_example(["NORM", "MI"], 0)


def test_activity_records_keep_the_subject_and_add_the_activity() -> None:
    rest = activity_record(7, "rest", seed=1, duration=30.0)
    run = activity_record(7, "run", seed=1, duration=30.0)
    assert _nn_rate(run) > _nn_rate(rest) + 40
    assert run.noise is not None and rest.noise is not None
    assert run.noise.total_snr_db[0] < rest.noise.total_snr_db[0]
    assert run.noise.movement is not None
    with pytest.raises(ConfigError, match="unknown"):
        activity_record(7, "swim", seed=1)
