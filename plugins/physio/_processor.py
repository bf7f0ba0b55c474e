"""Base class of the per-stream processors of the physio, radar and EEG plugins.

It does what every one of them needs: skip streams that are not regularly sampled, keep
one state per input stream, restart a stream after a gap in its timestamps, and map
sample indices to timestamps (:class:`~heartmind.plugins.physio._stream.Timeline`).
Subclasses say how to build a state (``_new_state``), feed it (``_feed``) and flush it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from heartmind.components import Context, Output, Processor
from heartmind.errors import ConfigError
from heartmind.streams import Chunk, StreamInfo

from ._stream import GAP_RESET, Timeline

__all__ = ["StreamProcessor"]

log = logging.getLogger(__name__)


class StreamProcessor(Processor):
    """One state per regularly sampled input stream; see the module docstring.

    Class attributes
    ----------------
    kind
        Spec name used in messages (``"ppg-rate"``).
    min_rate
        Lowest sampling rate accepted, in Hz.
    """

    kind: ClassVar[str] = "stream"
    min_rate: ClassVar[float] = 1.0

    def __init__(self) -> None:
        self._name = self.kind
        self._states: dict[str, Any] = {}
        self._timelines: dict[str, Timeline] = {}
        self._skipped: set[str] = set()

    def start(self, context: Context) -> None:
        """Check the streams known at start."""
        self._name = context.name
        for info in context.inputs:
            self._check_info(info)

    def _check_info(self, info: StreamInfo) -> None:
        if info.irregular or info.rate < self.min_rate:
            raise ConfigError(
                f"{self.kind}: stream {info.name!r} has a rate of {info.rate:g} Hz; this "
                f"processor needs a regularly sampled stream of at least {self.min_rate:g} Hz."
            )

    def process(self, chunk: Chunk) -> Iterable[Output]:
        """Feed one chunk to its stream's state; return the events it produced."""
        info = chunk.info
        if info.irregular or info.dtype == "string":
            if info.name not in self._skipped:
                self._skipped.add(info.name)
                log.warning(
                    "%s: stream %r is not regularly sampled; ignored", self._name, info.name
                )
            return []
        if len(chunk) == 0:
            return []
        out: list[Output] = []
        tl = self._timelines.get(info.name)
        if tl is not None and chunk.first_timestamp - tl.last > GAP_RESET:
            log.info("%s: gap in stream %r; restarting it", self._name, info.name)
            out.extend(self._flush(self._states[info.name], tl))
            tl = None
        if tl is None:
            self._check_info(info)
            tl = self._timelines[info.name] = Timeline(info.rate)
            self._states[info.name] = self._new_state(info, chunk.first_timestamp)
        tl.store(chunk.timestamps)
        data = np.asarray(chunk.data, dtype=np.float64)
        out.extend(self._feed(self._states[info.name], tl, data, chunk.last_timestamp))
        return out

    def flush(self) -> Iterable[Output]:
        """Emit what is pending at the end of the session."""
        out: list[Output] = []
        for name, st in self._states.items():
            out.extend(self._flush(st, self._timelines[name]))
        return out

    # ------------------------------------------------------------------ subclass API

    def _new_state(self, info: StreamInfo, t0: float) -> Any:
        raise NotImplementedError

    def _feed(
        self, state: Any, timeline: Timeline, data: npt.NDArray[np.float64], until: float
    ) -> list[Output]:
        raise NotImplementedError

    def _flush(self, state: Any, timeline: Timeline) -> list[Output]:
        return []
