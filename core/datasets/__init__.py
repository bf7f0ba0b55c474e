"""Dataset readers (WESAD, DREAMER, lab recordings) and synthetic affective datasets.

Every reader returns the common structure of :mod:`heartmind.datasets.base`
(:class:`AffectiveDataset` → :class:`Subject` → :class:`Signal` + :class:`Segment`); see
``docs/datasets.md``. Nothing is downloaded: point the readers at files you have.
"""

from __future__ import annotations

from ..errors import ConfigError
from ._pickle import UnsafePickleError
from .arguments import DATASETS, add_dataset_arguments, dataset_from_args, open_dataset
from .base import (
    AffectiveDataset,
    BeatDetector,
    DatasetError,
    Label,
    Segment,
    Signal,
    Subject,
    rr_series,
    unit_scale,
    windows,
)
from .dreamer import read_dreamer, write_dreamer_like
from .lab import read_lab, write_lab, write_lab_like
from .synthetic import DEFAULT_EPISODES, Episode, synthetic_affective
from .wesad import read_wesad, write_wesad_like

__all__ = [
    "DATASETS",
    "DEFAULT_EPISODES",
    "AffectiveDataset",
    "BeatDetector",
    "ConfigError",
    "DatasetError",
    "Episode",
    "Label",
    "Segment",
    "Signal",
    "Subject",
    "UnsafePickleError",
    "add_dataset_arguments",
    "dataset_from_args",
    "open_dataset",
    "read_dreamer",
    "read_lab",
    "read_wesad",
    "rr_series",
    "synthetic_affective",
    "unit_scale",
    "windows",
    "write_dreamer_like",
    "write_lab",
    "write_lab_like",
    "write_wesad_like",
]
