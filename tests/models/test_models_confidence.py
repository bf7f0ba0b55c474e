"""heartmind.models.confidence and .calibration: intervals and temperature scaling."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from heartmind.models import metrics
from heartmind.models.calibration import (
    apply_temperature,
    expected_calibration_error,
    fit_temperature,
    softmax,
)
from heartmind.models.confidence import bootstrap_ci, mean_ci
from heartmind.models.metrics import MetricError


def test_mean_ci_matches_scipy_t_interval_and_drops_nan() -> None:
    values = np.array([0.71, 0.64, float("nan"), 0.80, 0.77, 0.69])
    est = mean_ci(values, confidence=0.9)
    defined = values[~np.isnan(values)]
    low, high = stats.t.interval(0.9, defined.size - 1, defined.mean(), stats.sem(defined))
    assert est.value == pytest.approx(defined.mean())
    assert (est.low, est.high) == pytest.approx((low, high))
    assert (est.n, est.dropped) == (5, 1)
    assert "90% CI" in str(est)


def test_mean_ci_edges() -> None:
    none = mean_ci([float("nan")])
    assert np.isnan(none.value) and none.n == 0 and none.dropped == 1
    one = mean_ci([0.5])
    assert one.value == 0.5 and np.isnan(one.low) and np.isnan(one.high)
    with pytest.raises(MetricError):
        mean_ci([1.0, 2.0], confidence=95)


def test_bootstrap_ci_of_auroc() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200)
    s = y + rng.normal(0, 1.0, 200)
    est = bootstrap_ci(metrics.auroc, y, s, n_resamples=300, seed=1)
    assert est.value == pytest.approx(metrics.auroc(y, s))
    assert est.low < est.value < est.high
    assert est.high - est.low < 0.2
    assert bootstrap_ci(metrics.auroc, y, s, n_resamples=300, seed=1) == est


def test_bootstrap_ci_by_subject_is_wider_and_drops_undefined_resamples() -> None:
    rng = np.random.default_rng(1)
    subjects = np.repeat(np.arange(8), 25)
    shift = rng.normal(0, 1.0, 8)[subjects]  # subjects differ: samples are not independent
    y = rng.integers(0, 2, subjects.size)
    s = y * 0.8 + shift + rng.normal(0, 0.5, subjects.size)
    by_sample = bootstrap_ci(metrics.auroc, y, s, n_resamples=300)
    by_subject = bootstrap_ci(metrics.auroc, y, s, groups=subjects, n_resamples=300)
    assert by_subject.high - by_subject.low > by_sample.high - by_sample.low
    # Tiny data: many resamples hold one class only; they are dropped, not averaged as 0.
    tiny = bootstrap_ci(metrics.auroc, [0, 1, 1], [0.1, 0.8, 0.9], n_resamples=200)
    assert tiny.dropped > 0 and tiny.n + tiny.dropped == 200
    with pytest.raises(MetricError):
        bootstrap_ci(metrics.auroc, [0, 1], [0.1])


def test_temperature_scaling_recovers_an_overconfident_model() -> None:
    rng = np.random.default_rng(0)
    true_logits = rng.normal(0, 1.5, (4000, 3))
    labels = np.array([rng.choice(3, p=p) for p in softmax(true_logits)])
    overconfident = 3.0 * true_logits
    t = fit_temperature(overconfident, labels)
    assert t == pytest.approx(3.0, rel=0.1)
    before = expected_calibration_error(softmax(overconfident), labels)
    after = expected_calibration_error(apply_temperature(overconfident, t), labels)
    assert after < before / 2
    # Scaling changes confidence, never the predicted class.
    np.testing.assert_array_equal(
        apply_temperature(overconfident, t).argmax(1), overconfident.argmax(1)
    )


def test_calibration_edges() -> None:
    assert fit_temperature(np.zeros((0, 2)), np.zeros(0, int)) == 1.0
    assert np.isnan(expected_calibration_error(np.zeros((0, 2)), np.zeros(0, int)))
    perfect = np.array([[1.0, 0.0], [0.0, 1.0]])
    assert expected_calibration_error(perfect, [0, 1]) == 0.0
    with pytest.raises(MetricError):
        fit_temperature(np.zeros((3, 2)), [0, 1, 2])
    with pytest.raises(MetricError):
        apply_temperature(np.zeros((1, 2)), 0.0)
