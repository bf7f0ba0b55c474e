"""What a format reader gets and gives (:class:`ReadOptions`, :class:`ReadResult`), and
:func:`tracks_by_type`, which the formats without streams (EDF/BDF/FIF, CSV, WFDB) use to
make one track per channel type."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from ..streams import StreamInfo
from ._channel_types import TypeOverride
from ._recording import Track, readonly

__all__ = ["ReadOptions", "ReadResult", "tracks_by_type"]


@dataclass
class ReadOptions:
    """The arguments of :func:`~heartmind.io.open_recording` a reader needs."""

    types: TypeOverride
    default_type: str | None = None
    rate: float | None = None
    synchronize_clocks: bool = False


@dataclass
class ReadResult:
    """A reader's output: the tracks, and which timestamp is which UTC instant.

    ``anchor`` is ``(timestamp in s, its UTC date-time)`` or None when the file does not
    say; ``numbers`` the tracks' numbers in the file (XDF stream ids) for renaming
    duplicate names.
    """

    tracks: list[Track]
    anchor: tuple[float, datetime] | None = None
    start_from: str = ""
    header: dict[str, Any] = field(default_factory=dict)
    numbers: list[int] | None = None


def tracks_by_type(
    stem: str,
    source: str,
    data: npt.NDArray[Any],
    timestamps: npt.NDArray[np.float64],
    channels: Sequence[str],
    units: Sequence[str],
    types: Sequence[str],
    rate: float,
    meta: dict[str, Any] | None = None,
) -> list[Track]:
    """One track per channel type, in the order the types first appear, named
    ``<stem>-<TYPE>``; ``data`` is ``(n_samples, n_channels)``."""
    ts = readonly(np.asarray(timestamps, dtype=np.float64))
    groups: dict[str, list[int]] = {}
    for i, kind in enumerate(types):
        groups.setdefault(kind, []).append(i)
    out = []
    for kind, cols in groups.items():
        info = StreamInfo(
            name=f"{stem}-{kind}",
            type=kind,
            channels=tuple(channels[i] for i in cols),
            units=tuple(units[i] for i in cols),
            rate=rate,
            dtype=str(data.dtype) if str(data.dtype) in ("float32", "float64") else "float64",
            source_id=f"{source}:{kind}",
            meta=dict(meta or {}),
        )
        values = data[:, cols] if len(cols) < data.shape[1] else data
        out.append(Track(info, readonly(values.astype(info.dtype, copy=False)), ts))
    return out
