"""heartmind.models.splits: partitions, balance, groups never split, no leak across the gap."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.model_selection import KFold, LeaveOneGroupOut

from heartmind.models import splits
from heartmind.models.splits import Split, SplitError

FAST = settings(max_examples=60, deadline=None)


def _assert_partition(folds: list[Split], n: int) -> None:
    tested = np.concatenate([f.test for f in folds])
    assert sorted(tested.tolist()) == list(range(n)), "every sample is tested exactly once"
    for f in folds:
        assert not np.intersect1d(f.train, f.test).size
        assert f.train.size + f.test.size == n
        assert np.all(np.diff(f.train) > 0) and np.all(np.diff(f.test) > 0)
        assert f.train.dtype == np.int64


@pytest.mark.parametrize(("n", "k"), [(10, 5), (11, 3), (7, 7), (100, 10)])
def test_kfold_without_shuffle_matches_sklearn(n: int, k: int) -> None:
    ours = splits.kfold(n, k)
    theirs = list(KFold(k).split(np.zeros(n)))
    for (train, test), (train_sk, test_sk) in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(train, train_sk)
        np.testing.assert_array_equal(test, test_sk)


def test_kfold_shuffle_is_seeded() -> None:
    a, b, c = (splits.kfold(50, 5, shuffle=True, seed=s) for s in (42, 42, 7))
    _assert_partition(a, 50)
    assert all(np.array_equal(x.test, y.test) for x, y in zip(a, b, strict=True))
    assert any(not np.array_equal(x.test, y.test) for x, y in zip(a, c, strict=True))
    assert not np.array_equal(a[0].test, np.arange(10))


@FAST
@given(st.lists(st.integers(0, 3), min_size=6, max_size=80), st.integers(2, 6), st.booleans())
def test_stratified_kfold_keeps_proportions(labels: list[int], k: int, shuffle: bool) -> None:
    y = np.array(labels)
    if k > y.size:
        with pytest.raises(SplitError):
            splits.stratified_kfold(y, k)
        return
    folds = splits.stratified_kfold(y, k, shuffle=shuffle, seed=1)
    _assert_partition(folds, y.size)
    sizes = [f.test.size for f in folds]
    assert max(sizes) - min(sizes) <= 1
    for c in np.unique(y):
        per_fold = [int(np.sum(y[f.test] == c)) for f in folds]
        assert max(per_fold) - min(per_fold) <= 1


@FAST
@given(st.lists(st.integers(0, 9), min_size=3, max_size=80), st.integers(2, 5), st.booleans())
def test_group_kfold_never_splits_a_group(groups: list[int], k: int, shuffle: bool) -> None:
    g = np.array(groups)
    if k > np.unique(g).size:
        with pytest.raises(SplitError):
            splits.group_kfold(g, k)
        return
    folds = splits.group_kfold(g, k, shuffle=shuffle, seed=42)
    _assert_partition(folds, g.size)
    for f in folds:
        assert not np.intersect1d(g[f.train], g[f.test]).size
        assert set(f.groups) == set(np.unique(g[f.test]).tolist())


def test_group_kfold_balances_and_shuffles_equal_subjects() -> None:
    subjects = np.repeat(np.arange(20), 30)  # 20 subjects × 30 windows
    plain = splits.group_kfold(subjects, 5)
    assert [f.test.size for f in plain] == [120] * 5
    shuffled = splits.group_kfold(subjects, 5, shuffle=True, seed=42)
    again = splits.group_kfold(subjects, 5, shuffle=True, seed=42)
    assert [f.groups for f in shuffled] == [f.groups for f in again]
    assert [set(f.groups) for f in shuffled] != [set(f.groups) for f in plain]
    assert [f.test.size for f in shuffled] == [120] * 5


def test_leave_one_subject_out_matches_sklearn() -> None:
    subjects = np.array(["s3", "s1", "s2", "s1", "s3", "s3"])
    ours = splits.leave_one_subject_out(subjects)
    theirs = list(LeaveOneGroupOut().split(subjects, groups=subjects))
    assert [f.groups for f in ours] == [("s1",), ("s2",), ("s3",)]
    for (train, test), (train_sk, test_sk) in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(train, train_sk)
        np.testing.assert_array_equal(test, test_sk)
    with pytest.raises(SplitError, match="two subjects"):
        splits.leave_one_subject_out(["a", "a"])


def _windows(subjects: int, count: int, seed: int) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
    """Window start times (s, hop 1 s, shuffled order) and their subject."""
    rng = np.random.default_rng(seed)
    times = np.tile(np.arange(count, dtype=float), subjects)
    groups = np.repeat(np.arange(subjects), count)
    order = rng.permutation(times.size)
    return times[order], groups[order]


@pytest.mark.parametrize(("window", "gap"), [(1.0, 0), (4.0, 3), (2.5, 2)])
def test_time_blocked_overlapping_windows_cannot_leak(window: float, gap: int) -> None:
    times, groups = _windows(3, 40, seed=0)
    folds = splits.time_blocked(times, 5, groups=groups, gap=gap)
    _assert_partition_of_tests(folds, times.size)
    for f in folds:
        for s in np.unique(groups):
            test = f.test[groups[f.test] == s]
            train = f.train[groups[f.train] == s]
            t_test = np.sort(times[test])
            assert np.all(np.diff(t_test) == 1.0), "a test block is contiguous in time"
            # No training window [t, t + window) overlaps a test window.
            starts, ends = times[train], times[train] + window
            overlaps = (starts[:, None] < t_test[None, :] + window) & (ends[:, None] > t_test)
            assert not overlaps.any()
            assert train.size >= 40 - t_test.size - 2 * gap


def _assert_partition_of_tests(folds: list[Split], n: int) -> None:
    tested = np.concatenate([f.test for f in folds])
    assert sorted(tested.tolist()) == list(range(n))


def test_time_blocked_gap_too_small_leaks() -> None:
    """The check above can fail: with gap 0, 4-s windows every 1 s overlap the test block."""
    times, groups = _windows(1, 40, seed=0)
    f = splits.time_blocked(times, 5, groups=groups, gap=0)[2]
    t_test = times[f.test]
    near = np.abs(times[f.train][:, None] - t_test[None, :]) < 4.0
    assert near.any()


def test_time_blocked_from_a_count_and_errors() -> None:
    folds = splits.time_blocked(10, 2, gap=1)
    assert folds[0].test.tolist() == [0, 1, 2, 3, 4]
    assert folds[0].train.tolist() == [6, 7, 8, 9]
    assert folds[1].train.tolist() == [0, 1, 2, 3]
    with pytest.raises(SplitError):
        splits.time_blocked(10, 2, gap=-1)
    with pytest.raises(SplitError):
        splits.time_blocked(4, 5)
    with pytest.raises(SplitError, match="no training window"):
        splits.time_blocked(4, 2, gap=3)


def test_holdout() -> None:
    split = splits.holdout(100, 0.2, seed=3)
    assert split.test.size == 20 and split.train.size == 80
    assert np.array_equal(split.test, splits.holdout(100, 0.2, seed=3).test)
    groups = np.repeat(np.arange(10), 5)
    by_subject = splits.holdout(50, 0.3, groups=groups, seed=0)
    assert len(by_subject.groups) == 3 and by_subject.test.size == 15
    assert not np.intersect1d(groups[by_subject.train], groups[by_subject.test]).size
    with pytest.raises(SplitError):
        splits.holdout(10, 1.5)


def test_wrong_arguments() -> None:
    with pytest.raises(SplitError, match="at least 2"):
        splits.kfold(10, 1)
    with pytest.raises(SplitError, match="only 3 samples"):
        splits.kfold(3, 5)
    with pytest.raises(SplitError, match="only 2 groups"):
        splits.group_kfold([1, 1, 2], 3)
    with pytest.raises(SplitError):
        splits.stratified_kfold(np.zeros((4, 2)), 2)
