"""heartmind.models.metrics: cross-checked with scikit-learn/scipy, and the one rule for
undefined input (nan) and wrong input (MetricError), tested for every metric."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import wasserstein_distance
from sklearn import metrics as sk

from heartmind.models import metrics as m
from heartmind.models.metrics import MetricError

FAST = settings(max_examples=60, deadline=None)


@st.composite
def binary_scores(draw: Any, min_size: int = 0) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
    n = draw(st.integers(min_size, 40))
    y = np.array(draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)), dtype=int)
    # Few distinct values so that ties happen often.
    s = np.array(draw(st.lists(st.integers(-4, 4), min_size=n, max_size=n)), dtype=float) / 2
    return y, s


@st.composite
def class_labels(draw: Any, k: int = 4) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
    n = draw(st.integers(1, 40))
    t = draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n))
    p = draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n))
    return np.array(t), np.array(p)


# ----------------------------------------------------------------- scikit-learn and scipy


@FAST
@given(binary_scores())
def test_auroc_auprc_match_sklearn(data: tuple[npt.NDArray[Any], npt.NDArray[Any]]) -> None:
    y, s = data
    both = 0 < y.sum() < y.size
    if both:
        assert m.auroc(y, s) == pytest.approx(sk.roc_auc_score(y, s), abs=1e-12)
    else:
        assert np.isnan(m.auroc(y, s))
    if y.sum() > 0:
        assert m.auprc(y, s) == pytest.approx(sk.average_precision_score(y, s), abs=1e-12)
    else:
        assert np.isnan(m.auprc(y, s))


@FAST
@given(binary_scores(min_size=1))
def test_roc_curve_matches_sklearn(data: tuple[npt.NDArray[Any], npt.NDArray[Any]]) -> None:
    y, s = data
    if not 0 < y.sum() < y.size:
        return
    fpr, tpr, thr = m.roc_curve(y, s)
    fpr_sk, tpr_sk, thr_sk = sk.roc_curve(y, s, drop_intermediate=False)
    np.testing.assert_allclose(fpr, fpr_sk)
    np.testing.assert_allclose(tpr, tpr_sk)
    np.testing.assert_allclose(thr[1:], thr_sk[1:])


@FAST
@pytest.mark.filterwarnings("ignore::UserWarning")
@given(class_labels())
def test_class_metrics_match_sklearn(data: tuple[npt.NDArray[Any], npt.NDArray[Any]]) -> None:
    t, p = data
    assert m.accuracy(t, p) == pytest.approx(sk.accuracy_score(t, p))
    np.testing.assert_array_equal(m.confusion_matrix(t, p), sk.confusion_matrix(t, p))
    assert m.uf1(t, p) == pytest.approx(sk.f1_score(t, p, average="macro"))
    assert m.f1(t, p, average="micro") == pytest.approx(sk.f1_score(t, p, average="micro"))
    assert m.f1(t, p, average="weighted") == pytest.approx(sk.f1_score(t, p, average="weighted"))
    assert m.uar(t, p) == pytest.approx(sk.balanced_accuracy_score(t, p))
    for label, scores in m.per_class(t, p).items():
        assert scores.support == int(np.sum(t == label))


@FAST
@given(class_labels(k=2))
def test_binary_class_metrics_match_sklearn(
    data: tuple[npt.NDArray[Any], npt.NDArray[Any]],
) -> None:
    t, p = data
    checks: list[tuple[Callable[..., float], Callable[..., float], bool]] = [
        (m.sensitivity, sk.recall_score, bool((t == 1).any())),
        (m.ppv, sk.precision_score, bool((p == 1).any())),
        (m.f1, sk.f1_score, bool((t == 1).any() or (p == 1).any())),
    ]
    for ours, theirs, defined in checks:
        if defined:
            assert ours(t, p) == pytest.approx(theirs(t, p, zero_division=0.0))
        else:
            assert np.isnan(ours(t, p)), ours.__name__
    if (t == 0).any():
        assert m.specificity(t, p) == pytest.approx(sk.recall_score(t, p, pos_label=0))


@FAST
@given(
    st.lists(st.floats(-100, 100), min_size=1, max_size=20),
    st.lists(st.floats(-100, 100), min_size=1, max_size=20),
    st.booleans(),
)
def test_wasserstein1_matches_scipy(u: list[float], v: list[float], weighted: bool) -> None:
    if weighted:
        wu = np.linspace(1.0, 2.0, len(u))
        wv = np.linspace(3.0, 1.0, len(v))
        expected = wasserstein_distance(u, v, wu, wv)
        assert m.wasserstein1(u, v, u_weights=wu, v_weights=wv) == pytest.approx(
            expected, rel=1e-9, abs=1e-9
        )
    else:
        assert m.wasserstein1(u, v) == pytest.approx(wasserstein_distance(u, v), abs=1e-9)


def test_multilabel_and_multiclass_auroc_match_sklearn() -> None:
    rng = np.random.default_rng(3)
    scores = rng.random((60, 4))
    labels = (rng.random((60, 4)) < 0.4).astype(int)
    for average in ("macro", "micro"):
        expected = sk.roc_auc_score(labels, scores, average=average)
        assert m.auroc(labels, scores, average=average) == pytest.approx(expected)
        expected = sk.average_precision_score(labels, scores, average=average)
        assert m.auprc(labels, scores, average=average) == pytest.approx(expected)
    classes = rng.integers(0, 3, 60)
    probs = rng.random((60, 3))
    probs /= probs.sum(axis=1, keepdims=True)
    expected = sk.roc_auc_score(classes, probs, multi_class="ovr")
    assert m.auroc(classes, probs) == pytest.approx(expected)


def test_macro_auroc_skips_one_class_labels() -> None:
    y = np.array([[1, 0], [0, 0], [1, 0], [0, 0]])
    s = np.array([[0.9, 0.1], [0.2, 0.5], [0.8, 0.3], [0.1, 0.2]])
    per_label = m.auroc_per_label(y, s)
    assert per_label[0] == 1.0 and np.isnan(per_label[1])
    assert m.auroc(y, s) == 1.0
    assert np.isnan(m.auroc(np.zeros((4, 2), int), s))


def test_regression_errors_match_sklearn() -> None:
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=50), rng.normal(size=50)
    assert m.mse(a, b) == pytest.approx(sk.mean_squared_error(a, b))
    assert m.mae(a, b) == pytest.approx(sk.mean_absolute_error(a, b))


# ----------------------------------------------------------------- known values


def test_eer_known_values() -> None:
    genuine = np.array([0.6, 0.7, 0.8, 0.9])
    impostor = np.array([0.1, 0.2, 0.3, 0.65])
    y = np.r_[np.ones(4), np.zeros(4)]
    s = np.r_[genuine, impostor]
    # At threshold 0.65..0.7: one impostor accepted (FAR 1/4), one genuine rejected (1/4).
    rate, threshold = m.eer_threshold(y, s)
    assert rate == pytest.approx(0.25)
    assert 0.6 <= threshold <= 0.7
    assert m.eer([1, 1, 0, 0], [0.9, 0.8, 0.2, 0.1]) == 0.0
    assert m.eer([1, 1, 0, 0], [0.1, 0.2, 0.8, 0.9]) == 1.0
    assert m.eer([1, 0, 1, 0], [0.5, 0.5, 0.5, 0.5]) == pytest.approx(0.5)


@FAST
@given(binary_scores(min_size=2))
def test_eer_lies_between_the_error_rates_of_every_roc_point(
    data: tuple[npt.NDArray[Any], npt.NDArray[Any]],
) -> None:
    y, s = data
    if not 0 < y.sum() < y.size:
        assert np.isnan(m.eer(y, s))
        return
    rate = m.eer(y, s)
    fpr, tpr, _ = m.roc_curve(y, s)
    fnr = 1 - tpr
    assert np.all(np.minimum(fpr, fnr) <= rate + 1e-12)
    assert np.all(rate <= np.maximum(fpr, fnr) + 1e-12)


def test_psnr_and_ssim_known_values() -> None:
    assert m.psnr([0.0, 1.0], [0.0, 0.0]) == pytest.approx(10 * np.log10(2))
    assert m.psnr([0.0, 1.0], [0.0, 1.0]) == float("inf")
    assert m.psnr([0, 255], [0, 254], data_range=255) == pytest.approx(10 * np.log10(255**2 / 0.5))
    rng = np.random.default_rng(1)
    image = rng.random((32, 24))
    assert m.ssim(image, image) == pytest.approx(1.0)
    noisy = image + rng.normal(0, 0.05, image.shape)
    noisier = image + rng.normal(0, 0.3, image.shape)
    assert 1 > m.ssim(image, noisy) > m.ssim(image, noisier) > -1
    assert m.ssim(image, noisy) == pytest.approx(m.ssim(noisy, image, data_range=np.ptp(image)))


def _ssim_by_windows(x: npt.NDArray[np.float64], y: npt.NDArray[np.float64], peak: float) -> float:
    """SSIM computed window by window with explicit Gaussian weights (reference)."""
    r, sigma = 5, 1.5
    g = np.exp(-0.5 * (np.arange(-r, r + 1) / sigma) ** 2)
    g /= g.sum()
    w = g if x.ndim == 1 else np.outer(g, g)
    c1, c2 = (0.01 * peak) ** 2, (0.03 * peak) ** 2
    values = []
    for centre in np.ndindex(*(n - 2 * r for n in x.shape)):
        window = tuple(slice(c, c + 2 * r + 1) for c in centre)
        a, b = x[window], y[window]
        ma, mb = np.sum(w * a), np.sum(w * b)
        va, vb = np.sum(w * (a - ma) ** 2), np.sum(w * (b - mb) ** 2)
        cov = np.sum(w * (a - ma) * (b - mb))
        values.append((2 * ma * mb + c1) * (2 * cov + c2) / ((ma**2 + mb**2 + c1) * (va + vb + c2)))
    return float(np.mean(values))


@pytest.mark.parametrize("shape", [(200,), (20, 17)])
def test_ssim_matches_a_window_by_window_computation(shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(2)
    x = rng.random(shape)
    y = 0.7 * x + 0.3 * rng.random(shape)
    assert m.ssim(x, y, data_range=1.0) == pytest.approx(_ssim_by_windows(x, y, 1.0), abs=1e-10)


def test_interval_f1_known_values() -> None:
    true = [[0, 10], [20, 30]]
    spotted = [[1, 9], [21, 40], [50, 60]]  # IoU 0.8 (TP), 0.45 (FP), 0 (FP)
    counts = m.interval_counts(true, spotted)
    assert counts == m.IntervalCounts(tp=1, fp=2, fn=1)
    assert m.interval_f1(true, spotted) == pytest.approx(2 / 5)
    assert counts.precision == pytest.approx(1 / 3) and counts.recall == pytest.approx(1 / 2)
    # Frames with both ends included: 5 shared frames of 15 → IoU 1/3.
    assert m.interval_iou([[0, 9]], [[5, 14]], inclusive=True)[0, 0] == pytest.approx(1 / 3)
    assert m.interval_iou([[0, 9]], [[5, 14]])[0, 0] == pytest.approx(4 / 14)
    pooled = counts + m.interval_counts([[0, 5]], [[0, 5]])
    assert pooled == m.IntervalCounts(2, 2, 1) and pooled.f1 == pytest.approx(4 / 7)


def test_interval_matching_is_one_to_one_and_maximal() -> None:
    true = [[0, 10], [5, 15]]
    spotted = [[1, 10], [0, 5]]  # IoU with A: 0.9 and 0.5; with B: 0.357 and 0
    # Greedy (best IoU first) would pair the first spotted with A and leave B unmatched.
    assert m.interval_counts(true, spotted, threshold=0.3) == m.IntervalCounts(2, 0, 0)
    assert m.interval_counts(true, spotted, threshold=0.5) == m.IntervalCounts(1, 1, 1)
    # Two spotted intervals on one true interval: one TP, one FP.
    assert m.interval_counts([[0, 10]], [[0, 10], [1, 10]]) == m.IntervalCounts(1, 1, 0)


@FAST
@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 10)), max_size=6), st.randoms())
def test_interval_counts_ignore_order(pairs: list[tuple[int, int]], rnd: Any) -> None:
    intervals = [[a, a + d] for a, d in pairs]
    true = intervals[::2]
    spotted = intervals[1::2]
    counts = m.interval_counts(true, spotted)
    rnd.shuffle(true)
    rnd.shuffle(spotted)
    assert m.interval_counts(spotted, true) == m.IntervalCounts(counts.tp, counts.fn, counts.fp)
    assert m.interval_counts(true, spotted) == counts


# ----------------------------------------------------------------- the rule: nan / MetricError

NAN = float("nan")
ONE_CLASS: list[tuple[str, Callable[[], float], float]] = [
    ("accuracy", lambda: m.accuracy([1, 1], [1, 0]), 0.5),
    ("sensitivity", lambda: m.sensitivity([0, 0], [0, 1]), NAN),
    ("sensitivity+", lambda: m.sensitivity([1, 1], [1, 0]), 0.5),
    ("specificity", lambda: m.specificity([1, 1], [1, 0]), NAN),
    ("ppv", lambda: m.ppv([1, 1], [0, 0]), NAN),
    ("ppv+", lambda: m.ppv([0, 0], [1, 0]), 0.0),
    ("f1", lambda: m.f1([0, 0], [0, 0]), NAN),
    ("f1+", lambda: m.f1([1, 1], [1, 0]), 2 / 3),
    ("uf1", lambda: m.uf1([2, 2], [2, 2]), 1.0),
    ("uar", lambda: m.uar([2, 2], [2, 1]), 0.5),
    ("auroc", lambda: m.auroc([1, 1], [0.2, 0.4]), NAN),
    ("auroc-", lambda: m.auroc([0, 0], [0.2, 0.4]), NAN),
    ("auprc", lambda: m.auprc([0, 0], [0.2, 0.4]), NAN),
    ("auprc+", lambda: m.auprc([1, 1], [0.2, 0.4]), 1.0),
    ("eer", lambda: m.eer([1, 1], [0.2, 0.4]), NAN),
    ("interval_f1", lambda: m.interval_f1([[0, 1]], []), 0.0),
    ("interval_f1-", lambda: m.interval_f1([], [[0, 1]]), 0.0),
    ("wasserstein1", lambda: m.wasserstein1([1.0, 1.0], [1.0]), 0.0),
    ("psnr", lambda: m.psnr([1.0, 1.0], [1.0, 1.0], data_range=1.0), float("inf")),
    ("mse", lambda: m.mse([1.0], [3.0]), 4.0),
    ("mae", lambda: m.mae([1.0], [3.0]), 2.0),
]
EMPTY: list[tuple[str, Callable[[], float]]] = [
    ("accuracy", lambda: m.accuracy([], [])),
    ("sensitivity", lambda: m.sensitivity([], [])),
    ("specificity", lambda: m.specificity([], [])),
    ("ppv", lambda: m.ppv([], [])),
    ("f1", lambda: m.f1([], [])),
    ("f1-macro", lambda: m.f1([], [], average="macro")),
    ("f1-micro", lambda: m.f1([], [], average="micro")),
    ("f1-weighted", lambda: m.f1([], [], average="weighted")),
    ("uf1", lambda: m.uf1([], [])),
    ("uar", lambda: m.uar([], [])),
    ("auroc", lambda: m.auroc([], [])),
    ("auroc-multilabel", lambda: m.auroc(np.zeros((0, 3)), np.zeros((0, 3)))),
    ("auprc", lambda: m.auprc([], [])),
    ("eer", lambda: m.eer([], [])),
    ("interval_f1", lambda: m.interval_f1([], [])),
    ("wasserstein1", lambda: m.wasserstein1([], [1.0])),
    ("psnr", lambda: m.psnr([], [])),
    ("ssim", lambda: m.ssim([], [])),
    ("mse", lambda: m.mse([], [])),
    ("mae", lambda: m.mae([], [])),
]


@pytest.mark.parametrize(("name", "call", "expected"), ONE_CLASS, ids=[c[0] for c in ONE_CLASS])
def test_one_class_input(name: str, call: Callable[[], float], expected: float) -> None:
    value = call()
    if np.isnan(expected):
        assert np.isnan(value), f"{name} should be undefined (nan), got {value}"
    else:
        assert value == pytest.approx(expected)


@pytest.mark.parametrize(("name", "call"), EMPTY, ids=[c[0] for c in EMPTY])
def test_empty_input_is_nan(name: str, call: Callable[[], float]) -> None:
    assert np.isnan(call())


def test_roc_curve_edges() -> None:
    fpr, tpr, thresholds = m.roc_curve([], [])
    assert fpr.size == tpr.size == 1 and thresholds[0] == np.inf
    fpr, tpr, _ = m.roc_curve([1, 1], [0.2, 0.4])
    assert np.isnan(fpr).all() and tpr.tolist() == [0.0, 0.5, 1.0]
    assert np.isnan(m.eer_threshold([0, 0], [0.2, 0.4])[1])
    assert np.isnan(m.auroc_per_label(np.ones((3, 2), int), np.zeros((3, 2)))).all()
    assert m.mean_ci is not None and m.bootstrap_ci is not None


def test_empty_confusion_matrix_and_per_class() -> None:
    assert m.confusion_matrix([], []).shape == (0, 0)
    assert m.confusion_matrix([], [], labels=[0, 1]).tolist() == [[0, 0], [0, 0]]
    scores = m.per_class([], [], labels=["a"])["a"]
    assert np.isnan(scores.f1) and scores.support == 0


WRONG: list[tuple[str, Callable[[], object]]] = [
    ("lengths", lambda: m.accuracy([1, 0], [1])),
    ("lengths-auroc", lambda: m.auroc([1, 0], [0.3])),
    ("not-binary", lambda: m.auroc([0, 2], [0.1, 0.2])),
    ("nan-score", lambda: m.auroc([0, 1], [0.1, float("nan")])),
    ("average", lambda: m.f1([0, 1], [0, 1], average="mean")),  # type: ignore[arg-type]
    ("binary-of-3", lambda: m.f1([0, 1, 2], [0, 1, 2])),
    ("class-range", lambda: m.auroc([0, 3], np.zeros((2, 2)))),
    ("2d-labels", lambda: m.accuracy([[1]], [[1]])),
    ("shapes", lambda: m.mse([1.0, 2.0], [[1.0, 2.0]])),
    ("flat-range", lambda: m.psnr([1.0, 1.0], [1.0, 2.0])),
    ("ssim-short", lambda: m.ssim(np.ones(5), np.ones(5), data_range=1.0)),
    ("weights", lambda: m.wasserstein1([1.0], [2.0], u_weights=[-1.0])),
    ("interval-shape", lambda: m.interval_f1([[0, 1, 2]], [])),
    ("interval-order", lambda: m.interval_f1([[5, 1]], [])),
    ("threshold", lambda: m.interval_f1([[0, 1]], [[0, 1]], threshold=0.0)),
    ("mixed-labels", lambda: m.uf1(np.array(["a", 1], dtype=object), np.array(["a", 1]))),
]


@pytest.mark.parametrize(("name", "call"), WRONG, ids=[c[0] for c in WRONG])
def test_wrong_input_raises_metric_error(name: str, call: Callable[[], object]) -> None:
    with pytest.raises(MetricError):
        call()


def test_string_labels_and_pos_label() -> None:
    t = ["AF", "N", "AF", "N"]
    p = ["AF", "AF", "N", "N"]
    assert m.sensitivity(t, p, pos_label="AF") == 0.5
    scores = m.per_class(t, p)
    assert set(scores) == {"AF", "N"}
    assert scores["N"].ppv == 0.5
