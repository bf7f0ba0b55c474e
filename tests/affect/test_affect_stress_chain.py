"""Regression test of the whole stress chain on held-out synthetic subjects.

simulator → heart-rate → hrv → stress, simulator KEYS/MOUSE → behaviour-emotion, both →
fusion, in real virtual-clock sessions (see ``benchmarks/bench_stress.py`` for figures).
SYNTHETIC data: this guards the plumbing and the calibration, not clinical validity.
"""

from __future__ import annotations

import numpy as np
import pytest

from heartmind.plugins.affect.stress import zscore_level
from heartmind.plugins.affect.stress_eval import (
    ChainResult,
    auroc,
    episode_labels,
    replay_z_rows,
    run_chain,
)
from heartmind.plugins.affect.stress_model import fit_stress_model

pytestmark = pytest.mark.slow

SEED, START, MARGIN = 2026, 240.0, 90.0
TRAIN, HELD_OUT = (0, 1), (4, 5, 6)


@pytest.fixture(scope="module")
def held_out() -> list[ChainResult]:
    return [run_chain(i, seed=SEED) for i in HELD_OUT]


@pytest.fixture(scope="module")
def trained() -> list[ChainResult]:
    return [run_chain(i, seed=SEED, behaviour=False, fusion=False) for i in TRAIN]


def _pooled(results: list[ChainResult], modality: str) -> float:
    parts = [r.scores(modality, START, MARGIN) for r in results]
    return auroc(np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]))


def _table(results: list[ChainResult]) -> tuple[list[dict[str, float]], np.ndarray]:
    rows: list[dict[str, float]] = []
    labels = []
    for r in results:
        z, t = replay_z_rows(r)
        y = episode_labels(t, r.episodes, MARGIN)
        y[t < START] = -1
        rows.extend(row for row, keep in zip(z, y >= 0, strict=True) if keep)
        labels.append(y[y >= 0])
    return rows, np.concatenate(labels)


def test_heart_stress_finds_the_episodes(held_out: list[ChainResult]) -> None:
    assert _pooled(held_out, "heart") >= 0.8
    for r in held_out:
        levels, y = r.scores("heart", START, MARGIN)
        assert levels[y == 1].mean() > levels[y == 0].mean() + 0.3
        assert all(e.modality == "heart" for e in r.stress("heart"))
        # nothing before the 180 s calibration (first HRV update at ~10 s)
        assert min(e.timestamp for e in r.stress("heart")) > 180.0


def test_behaviour_and_fused(held_out: list[ChainResult]) -> None:
    assert _pooled(held_out, "behaviour") >= 0.8
    assert _pooled(held_out, "fused") >= 0.8
    fused = [e for r in held_out for e in r.stress("fused")]
    assert fused and all(e.model.startswith("fused(") for e in fused)
    assert any("heart" in e.model and "behaviour" in e.model for e in fused)


def test_model_matches_zscore_on_held_out(
    held_out: list[ChainResult], trained: list[ChainResult]
) -> None:
    rows, y = _table(trained)
    model = fit_stress_model(rows, y.astype(int), synthetic=True)
    test_rows, test_y = _table(held_out)
    z_auc = auroc(np.array([zscore_level(r) for r in test_rows]), test_y)
    m_auc = auroc(model.predict_rows(test_rows), test_y)
    assert z_auc >= 0.8
    assert m_auc >= z_auc - 0.02
