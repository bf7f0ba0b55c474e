"""Picking a dataset by name: ``open_dataset`` and the ``--dataset``/``--path`` arguments.

Model kinds that train on an :class:`~heartmind.datasets.AffectiveDataset` share these
arguments in ``heartmind train`` and ``heartmind evaluate``::

    --dataset synthetic|wesad|dreamer|lab  --path FILE_OR_FOLDER
    --subjects N --episode-duration S      (synthetic only)

Nothing is downloaded: ``--path`` points at files the user has.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from ..errors import ConfigError
from .base import AffectiveDataset

__all__ = ["DATASETS", "add_dataset_arguments", "dataset_from_args", "open_dataset"]

#: Dataset names ``open_dataset`` understands.
DATASETS: tuple[str, ...] = ("synthetic", "wesad", "dreamer", "lab")


def open_dataset(
    name: str,
    path: str | Path | None = None,
    *,
    subjects: int = 8,
    seed: int = 0,
    duration: float = 300.0,
    modalities: Sequence[str] = ("ECG",),
) -> AffectiveDataset:
    """The dataset ``name`` read from ``path`` (or generated, for ``"synthetic"``).

    Parameters
    ----------
    name
        One of :data:`DATASETS`.
    path
        The dataset's file or folder (WESAD folder, DREAMER ``.mat``, lab folder); not
        used for ``"synthetic"``.
    subjects, seed, duration, modalities
        Synthetic only: number of subjects, seed, length of each episode (s) and the
        recordings to generate.

    Raises
    ------
    ConfigError
        If the name is unknown, or the path is missing or does not exist.
    """
    from . import read_dreamer, read_lab, read_wesad, synthetic_affective

    if name == "synthetic":
        return synthetic_affective(
            subjects, seed=seed, modalities=tuple(modalities), duration=duration
        )
    readers = {"wesad": read_wesad, "dreamer": read_dreamer, "lab": read_lab}
    if name not in readers:
        raise ConfigError(f"unknown dataset {name!r}; datasets: {', '.join(DATASETS)}.")
    if not path:
        raise ConfigError(f"--dataset {name} needs --path (the dataset file or folder).")
    if not Path(path).exists():
        raise ConfigError(f"--path {path} does not exist; point it at your {name} data.")
    return readers[name](path)


def add_dataset_arguments(
    parser: argparse.ArgumentParser, datasets: Sequence[str] = DATASETS
) -> None:
    """Add ``--dataset``, ``--path``, ``--subjects`` and ``--episode-duration``."""
    parser.add_argument("--dataset", required=True, choices=tuple(datasets), help="dataset format")
    parser.add_argument(
        "--path", help="dataset file or folder (not needed for --dataset synthetic)"
    )
    parser.add_argument(
        "--subjects", type=int, default=8, metavar="N", help="synthetic: number of subjects"
    )
    parser.add_argument(
        "--episode-duration",
        type=float,
        default=300.0,
        metavar="S",
        help="synthetic: length of each labelled episode (s)",
    )


def dataset_from_args(
    args: argparse.Namespace, modalities: Sequence[str] = ("ECG",)
) -> AffectiveDataset:
    """The dataset named by the arguments of :func:`add_dataset_arguments` (and ``--seed``)."""
    return open_dataset(
        args.dataset,
        args.path,
        subjects=args.subjects,
        seed=int(getattr(args, "seed", 0)),
        duration=args.episode_duration,
        modalities=modalities,
    )
