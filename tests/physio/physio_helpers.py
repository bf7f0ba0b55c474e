"""Shared helpers of the physio tests: chunking and running a processor."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

import heartmind
from heartmind import Chunk, Context, StreamInfo, VirtualClock


def chunks(data: np.ndarray, info: StreamInfo, t0: float, size: int) -> Iterator[Chunk]:
    data = data.reshape(data.shape[0], -1)
    for i in range(0, data.shape[0], size):
        ts = t0 + np.arange(i, min(i + size, data.shape[0])) / info.rate
        yield Chunk(data[i : i + size], ts, info)


def run(proc: heartmind.Processor, source: Iterator[Chunk]) -> list[heartmind.Event]:
    proc.start(Context(name="p", clock=VirtualClock()))
    out = [e for c in source for e in proc.process(c)]
    out.extend(proc.flush())
    return [e for e in out if isinstance(e, heartmind.Event)]


def nearest(found: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """Signed difference of each found time to its nearest true time."""
    d = found[:, None] - truth[None, :]
    return d[np.arange(found.size), np.abs(d).argmin(1)]
