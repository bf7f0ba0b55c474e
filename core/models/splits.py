"""Cross-validation splits: k-fold, stratified, grouped by subject, leave-one-subject-out,
time-blocked with a gap, and one hold-out split. numpy only.

Every function returns a list of :class:`Split` — sorted index arrays into the samples —
and is deterministic: the same arguments (and ``seed``) give the same folds on every
machine and numpy version (``numpy.random.default_rng(seed)`` drives every shuffle).
A split unpacks as ``train, test = split``.

Wrong arguments (fewer than two folds, more folds than samples or subjects, a negative
gap) raise :class:`SplitError`.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Hashable, Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .base import ModelError

__all__ = [
    "Split",
    "SplitError",
    "group_kfold",
    "holdout",
    "kfold",
    "leave_one_subject_out",
    "stratified_kfold",
    "time_blocked",
]

log = logging.getLogger(__name__)
IntArray = npt.NDArray[np.int64]


class SplitError(ModelError):
    """Splits were asked for that cannot be made (too few samples, subjects or folds)."""


@dataclass(frozen=True, eq=False)
class Split:
    """One fold: indices of the training and test samples (sorted, disjoint).

    Attributes
    ----------
    train, test
        Sample indices (int64).
    groups
        The subjects (groups) whose samples form ``test``, for the splits that hold out
        whole groups; empty otherwise.
    """

    train: IntArray
    test: IntArray
    groups: tuple[Hashable, ...] = ()

    def __iter__(self) -> Iterator[IntArray]:
        yield self.train
        yield self.test


def _check_k(k: int, units: int, what: str) -> None:
    if k < 2:
        raise SplitError(f"k = {k}: cross-validation needs at least 2 folds.")
    if k > units:
        raise SplitError(f"k = {k} folds but only {units} {what}; use k <= {units}.")


def _from_folds(fold_of: IntArray, k: int) -> list[Split]:
    index = np.arange(fold_of.size, dtype=np.int64)
    return [Split(index[fold_of != j], index[fold_of == j]) for j in range(k)]


def kfold(n_samples: int, k: int = 5, *, shuffle: bool = False, seed: int = 0) -> list[Split]:
    """``k`` folds of (nearly) equal size; each sample is tested exactly once.

    Without ``shuffle`` the folds are contiguous blocks in sample order (the first
    ``n_samples % k`` folds hold one sample more), as scikit-learn's ``KFold``.
    """
    _check_k(k, n_samples, "samples")
    order = np.arange(n_samples)
    if shuffle:
        order = np.random.default_rng(seed).permutation(n_samples)
    sizes = np.full(k, n_samples // k)
    sizes[: n_samples % k] += 1
    fold_of = np.empty(n_samples, dtype=np.int64)
    fold_of[order] = np.repeat(np.arange(k), sizes)
    return _from_folds(fold_of, k)


def stratified_kfold(
    y: npt.ArrayLike, k: int = 5, *, shuffle: bool = False, seed: int = 0
) -> list[Split]:
    """``k`` folds that keep the class proportions of ``y``.

    Samples are ordered by class (within a class in sample order, or shuffled) and dealt
    to the folds in turn, so every fold's count of each class, and every fold's size,
    differs from the others by at most one. A class with fewer than ``k`` samples is
    missing from some test folds (logged as a warning).
    """
    labels = np.asarray(y)
    if labels.ndim != 1:
        raise SplitError(f"y has shape {labels.shape}; give one class label per sample.")
    _check_k(k, labels.size, "samples")
    rng = np.random.default_rng(seed)
    classes, codes, counts = np.unique(labels, return_inverse=True, return_counts=True)
    order = []
    for c in range(classes.size):
        members = np.flatnonzero(codes == c)
        order.append(rng.permutation(members) if shuffle else members)
    fold_of = np.empty(labels.size, dtype=np.int64)
    fold_of[np.concatenate(order)] = np.arange(labels.size) % k
    rare = classes[counts < k]
    if rare.size:
        log.warning("classes %s have fewer than k=%d samples; some folds lack them", rare, k)
    return _from_folds(fold_of, k)


def group_kfold(
    groups: npt.ArrayLike, k: int = 5, *, shuffle: bool = False, seed: int = 0
) -> list[Split]:
    """``k`` folds that never split a group (a subject, a recording) across train and test.

    Groups are placed largest first, each into the fold with the fewest samples so far
    (ties: the lower fold), which balances fold sizes. ``shuffle`` randomises the order of
    equally large groups, so with one size per subject the subjects land in random folds
    (e.g. ``group_kfold(subjects, 5, shuffle=True, seed=42)``).
    """
    g = _groups(groups)
    names, codes, sizes = np.unique(g, return_inverse=True, return_counts=True)
    _check_k(k, names.size, "groups")
    order = np.arange(names.size)
    if shuffle:
        order = np.random.default_rng(seed).permutation(names.size)
    order = order[np.argsort(-sizes[order], kind="stable")]
    load = np.zeros(k, dtype=np.int64)
    fold_of_group = np.empty(names.size, dtype=np.int64)
    for group in order:
        fold = int(np.argmin(load))
        fold_of_group[group] = fold
        load[fold] += sizes[group]
    folds = _from_folds(fold_of_group[codes], k)
    return [
        Split(f.train, f.test, tuple(names[fold_of_group == j].tolist()))
        for j, f in enumerate(folds)
    ]


def leave_one_subject_out(subjects: npt.ArrayLike) -> list[Split]:
    """One fold per subject: test on that subject, train on all others.

    Folds come in sorted subject order; ``split.groups`` names the held-out subject.
    Needs at least two subjects.
    """
    g = _groups(subjects)
    names = np.unique(g)
    if names.size < 2:
        raise SplitError(f"leave-one-subject-out needs two subjects or more; got {names.size}.")
    index = np.arange(g.size, dtype=np.int64)
    return [Split(index[g != s], index[g == s], (s.item(),)) for s in names]


def time_blocked(
    times: npt.ArrayLike | int,
    k: int = 5,
    *,
    groups: npt.ArrayLike | None = None,
    gap: int = 1,
) -> list[Split]:
    """Within-subject splits into ``k`` contiguous blocks of time, with a gap.

    Each subject's windows, in time order, are cut into ``k`` contiguous blocks of
    (nearly) equal count. Fold ``j`` tests on block ``j`` of every subject and trains on
    the subject's other blocks, leaving out ``gap`` windows on each side of the test block
    so that overlapping windows cannot leak test samples into training.

    Parameters
    ----------
    times
        Time of each window (s; e.g. its start), or the number of windows when they are
        already in time order.
    k
        Number of blocks (folds); every subject needs at least ``k`` windows.
    groups
        Subject of each window; default: all windows belong to one subject.
    gap
        Windows left out on each side of the test block (>= 0). For windows of length
        ``w`` taken every ``h`` seconds, ``ceil(w / h) - 1`` windows overlap a neighbour:
        use at least that.
    """
    t = np.arange(times, dtype=np.float64) if isinstance(times, int) else np.asarray(times, float)
    if t.ndim != 1:
        raise SplitError(f"times has shape {t.shape}; give one time per window.")
    if gap < 0:
        raise SplitError(f"gap = {gap}; give a number of windows >= 0.")
    g = np.zeros(t.size, dtype=np.int64) if groups is None else _groups(groups)
    if g.size != t.size:
        raise SplitError(f"{t.size} times but {g.size} groups; give one group per window.")
    block = np.empty(t.size, dtype=np.int64)
    keep_out = [np.zeros(t.size, dtype=bool) for _ in range(k)]
    for name in np.unique(g):
        members = np.flatnonzero(g == name)
        _check_k(k, members.size, f"windows of subject {name!r}")
        ordered = members[np.argsort(t[members], kind="stable")]
        parts = np.array_split(np.arange(ordered.size), k)
        for j, part in enumerate(parts):
            block[ordered[part]] = j
            lo, hi = max(part[0] - gap, 0), min(part[-1] + gap + 1, ordered.size)
            keep_out[j][ordered[lo:hi]] = True
    index = np.arange(t.size, dtype=np.int64)
    out = [Split(index[~keep_out[j]], index[block == j]) for j in range(k)]
    if any(not s.train.size for s in out):
        raise SplitError(f"gap = {gap} leaves no training window; use a smaller gap or k.")
    return out


def holdout(
    n_samples: int,
    fraction: float = 0.2,
    *,
    groups: npt.ArrayLike | None = None,
    seed: int = 0,
) -> Split:
    """One random train/test split (e.g. a validation split for early stopping or
    temperature scaling).

    ``ceil(fraction × units)`` units go to ``test``, where a unit is a sample, or a whole
    group when ``groups`` is given (then ``split.groups`` names the held-out groups).
    """
    if not 0 < fraction < 1:
        raise SplitError(f"fraction = {fraction}; give a number between 0 and 1.")
    rng = np.random.default_rng(seed)
    index = np.arange(n_samples, dtype=np.int64)
    if groups is None:
        _check_k(2, n_samples, "samples")
        test = np.sort(rng.permutation(n_samples)[: math.ceil(fraction * n_samples)])
        return Split(np.setdiff1d(index, test), test)
    g = _groups(groups)
    if g.size != n_samples:
        raise SplitError(f"{n_samples} samples but {g.size} groups; give one per sample.")
    names = np.unique(g)
    _check_k(2, names.size, "groups")
    chosen = names[rng.permutation(names.size)[: math.ceil(fraction * names.size)]]
    is_test = np.isin(g, chosen)
    return Split(index[~is_test], index[is_test], tuple(np.sort(chosen).tolist()))


def _groups(groups: npt.ArrayLike) -> npt.NDArray[np.generic]:
    g = np.asarray(groups)
    if g.ndim != 1:
        raise SplitError(f"groups has shape {g.shape}; give one subject id per sample.")
    return g
