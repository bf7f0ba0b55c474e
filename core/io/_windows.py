"""Cutting tracks into playback windows: :func:`window_edges` and :func:`track_chunks`.

Every stream with samples in a window gives one chunk per window; a whole recording is
never copied (chunks are views of the tracks' read-only arrays, only shifted timestamps are
new arrays).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence

import numpy as np
import numpy.typing as npt

from ..streams import Chunk
from ._recording import Track

__all__ = ["track_chunks", "window_edges"]


def window_edges(origin: float, duration: float, chunk_duration: float) -> npt.NDArray[np.float64]:
    """Edges in s of the playback windows: every ``chunk_duration`` s from ``origin`` on,
    the last window open-ended (so that it holds the last sample), at least one window."""
    n_windows = max(1, math.floor(duration / chunk_duration) + 1)
    edges = origin + chunk_duration * np.arange(n_windows + 1, dtype=np.float64)
    edges[-1] = math.inf
    return edges


def track_chunks(
    tracks: Sequence[Track], edges: npt.NDArray[np.float64], shift: float = 0.0
) -> Iterator[list[Chunk]]:
    """Per window (see :func:`window_edges`), a chunk for every track with samples in it,
    in the order of ``tracks``; timestamps moved by ``shift`` s.

    Only each chunk's timestamps are shifted (a new read-only array, which the chunk keeps
    without copying it); samples, and timestamps when ``shift`` is 0, are views of the
    tracks' arrays.
    """
    bounds = [np.searchsorted(t.timestamps, edges, side="left") for t in tracks]
    for j in range(len(edges) - 1):
        out: list[Chunk] = []
        for track, idx in zip(tracks, bounds, strict=True):
            a, b = int(idx[j]), int(idx[j + 1])
            if b > a:
                ts = track.timestamps[a:b]
                if shift != 0.0:
                    ts = ts + shift
                    ts.setflags(write=False)
                out.append(Chunk(track.data[a:b], ts, track.info))
        yield out
