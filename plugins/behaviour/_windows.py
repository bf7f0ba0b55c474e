"""Streaming sliding windows over a KEYS or MOUSE stream, and the ``behaviour-features``
processor.

:class:`SlidingWindows` keeps only the events of the current window and computes the
features of each window once it is complete; it gives exactly the values of the offline
:func:`~._features.window_features` with the same ``start``.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt

from heartmind.components import Context, Output, Processor
from heartmind.errors import ConfigError
from heartmind.streams import Chunk, StreamInfo

from ._features import (
    FEATURE_STREAM_TYPES,
    feature_info,
    feature_names,
    keys_features,
    mouse_features,
)

__all__ = ["BehaviourFeaturesProcessor", "SlidingWindows"]

log = logging.getLogger(__name__)

Array = npt.NDArray[np.float64]


class SlidingWindows:
    """Windows ``[end - window, end)`` ending every ``step`` s after an origin.

    Parameters
    ----------
    kind
        ``"KEYS"`` or ``"MOUSE"``.
    window, step
        Window length and step in s.
    **options
        Passed to the feature function (``pause``, ``idle``, ``stroke_gap``).
    """

    def __init__(self, kind: str, window: float, step: float, **options: Any) -> None:
        if not (window > 0 and step > 0):
            raise ConfigError(f"window ({window} s) and step ({step} s) must be > 0.")
        self.kind = kind.upper()
        self.names = feature_names(self.kind)
        self.window = float(window)
        self.step = float(step)
        self.options = options
        self._func = keys_features if self.names == feature_names("KEYS") else mouse_features
        self._width = 2 if self._func is keys_features else 6
        self._ts: list[Array] = []
        self._rows: list[Array] = []
        self.next_end = math.inf

    def set_origin(self, t0: float) -> None:
        """Start the window grid at ``t0`` s: the first window is ``[t0, t0 + window)``."""
        self.next_end = float(t0) + self.window

    def add(self, timestamps: npt.ArrayLike, data: npt.ArrayLike) -> None:
        """Append events (timestamps in s, rows in the stream's layout)."""
        ts = np.asarray(timestamps, dtype=np.float64)
        if ts.size:
            self._ts.append(ts)
            self._rows.append(np.asarray(data, dtype=np.float64).reshape(-1, self._width))

    def due(self, now: float) -> tuple[Array, Array]:
        """Features of every window that ended at or before ``now`` s.

        Returns
        -------
        ends, features
            ``(k,)`` window end times in s and ``(k, n_features)`` values.
        """
        ends: list[float] = []
        rows: list[Array] = []
        while self.next_end <= now:
            end = self.next_end
            ts, data = self._events()
            rows.append(self._func(ts, data, end - self.window, end, **self.options))
            ends.append(end)
            self.next_end = end + self.step
            self._prune(self.next_end - self.window)
        values = np.array(rows, dtype=np.float64).reshape(len(ends), len(self.names))
        return np.asarray(ends, dtype=np.float64), values

    def _events(self) -> tuple[Array, Array]:
        if len(self._ts) > 1:
            self._ts = [np.concatenate(self._ts)]
            self._rows = [np.concatenate(self._rows)]
        if not self._ts:
            return np.zeros(0), np.zeros((0, self._width))
        return self._ts[0], self._rows[0]

    def _prune(self, before: float) -> None:
        ts, rows = self._events()
        keep = int(np.searchsorted(ts, before, side="left"))
        if keep:
            self._ts, self._rows = [ts[keep:]], [rows[keep:]]


class BehaviourFeaturesProcessor(Processor):
    """KEYS/MOUSE streams → ``KEYS_FEATURES``/``MOUSE_FEATURES`` streams (one sample per step).

    A window is computed once a sample at or after its end has arrived (the streams are
    irregular), so a quiet stream delays its windows until its next event. The grid starts
    at each stream's first timestamp.

    Parameters
    ----------
    window, step
        Window length and step in s.
    """

    def __init__(self, window: float = 60.0, step: float = 10.0) -> None:
        self.window = window
        self.step = step
        self._windows: dict[str, SlidingWindows] = {}
        self._out: dict[str, StreamInfo] = {}
        self._name = "behaviour-features"

    def start(self, context: Context) -> None:
        self._name = context.name
        for info in context.inputs:
            self._open(info)

    def _open(self, info: StreamInfo) -> SlidingWindows:
        if info.type not in FEATURE_STREAM_TYPES:
            raise ConfigError(
                f"{self._name}: stream {info.name!r} is {info.type}; this processor takes "
                "KEYS and MOUSE streams only."
            )
        win = SlidingWindows(info.type, self.window, self.step)
        self._windows[info.name] = win
        self._out[info.name] = feature_info(
            info.type, f"{info.name}-features", self.window, self.step, info.source_id
        )
        return win

    def process(self, chunk: Chunk) -> Iterable[Output]:
        win = self._windows.get(chunk.info.name) or self._open(chunk.info)
        if not len(chunk):
            return ()
        if math.isinf(win.next_end):
            win.set_origin(chunk.first_timestamp)
        win.add(chunk.timestamps, chunk.data)
        ends, values = win.due(chunk.last_timestamp)
        if not ends.size:
            return ()
        return (Chunk(values, ends, self._out[chunk.info.name]),)
