"""The base class of per-stream processors of regularly sampled signals.

:class:`StreamProcessor` does what every such processor needs, so a subclass only says
how to open a stream's state, feed it samples and close it:

* one state per input stream (by stream name), created at the stream's first chunk;
* streams that are not regularly sampled (irregular, or strings) are skipped with one
  warning each;
* a jump of more than :data:`GAP_RESET` s in a stream's timestamps closes its state
  (emitting what is pending) and opens a new one;
* a :class:`~heartmind.streaming.Timeline` per stream maps absolute sample indices
  (counted from the state's first sample) to timestamps;
* optionally, chunks are fed in blocks of at most ``block_duration`` s.
"""

from __future__ import annotations

import logging
from abc import abstractmethod
from collections.abc import Iterable
from typing import ClassVar, Generic, TypeVar

import numpy as np
import numpy.typing as npt

from heartmind.components import Context, Output, Processor
from heartmind.errors import ConfigError
from heartmind.streams import Chunk, StreamInfo

from .channels import channel_index
from .timeline import Timeline

__all__ = ["GAP_RESET", "StreamProcessor"]

log = logging.getLogger(__name__)

#: A jump in a stream's timestamps longer than this (s) restarts processing of the stream.
GAP_RESET = 1.0

S = TypeVar("S")


class StreamProcessor(Processor, Generic[S]):
    """One state per regularly sampled input stream; see the module docstring.

    Subclasses implement :meth:`open_stream`, :meth:`feed` and, if something can be
    pending at the end, :meth:`close_stream`; they may extend :meth:`check_stream`.

    Class attributes
    ----------------
    kind
        Spec name used in messages (``"ppg-rate"``); events use the instance name.
    min_rate
        Lowest sampling rate accepted, in Hz.
    history
        Seconds of timestamps each stream's timeline keeps.
    block_duration
        Feed chunks in blocks of at most this many s of samples (``None``: whole chunks),
        for states whose buffers hold a bounded stretch of signal.

    Attributes
    ----------
    name
        Instance name (the ``source`` of the events), set by :meth:`start`.
    channel
        The ``channel`` option of a single-channel processor (a label, an index as a
        string, or ``""`` for the first channel), checked against every stream; ``None``
        (default) for processors that take all channels.
    """

    kind: ClassVar[str] = "stream"
    min_rate: ClassVar[float] = 1.0
    history: ClassVar[float] = 30.0
    block_duration: ClassVar[float | None] = None

    channel: str | None = None

    def __init__(self) -> None:
        self.name = self.kind
        self._states: dict[str, S] = {}
        self._timelines: dict[str, Timeline] = {}
        self._skipped: set[str] = set()

    # ------------------------------------------------------------------ subclass API

    def check_stream(self, info: StreamInfo) -> None:
        """Raise :class:`ConfigError` if this processor cannot handle the stream."""
        if info.irregular:
            raise ConfigError(
                f"{self.kind}: stream {info.name!r} has no nominal rate (irregular); this "
                f"processor needs a regularly sampled stream of at least {self.min_rate:g} Hz."
            )
        if info.rate < self.min_rate:
            raise ConfigError(
                f"{self.kind}: stream {info.name!r} has a rate of {info.rate:g} Hz; this "
                f"processor needs a regularly sampled stream of at least {self.min_rate:g} Hz."
            )
        if self.channel is not None:
            self.column(info)

    def column(self, info: StreamInfo) -> int:
        """Column of the :attr:`channel` option in ``info`` (first one without the option).

        Raises
        ------
        ConfigError
            If the stream has no such channel (the message lists its channels).
        """
        return channel_index(info, self.channel or "", self.kind)

    @abstractmethod
    def open_stream(self, info: StreamInfo, t0: float) -> S:
        """New state of a stream whose first sample is at ``t0`` s."""

    @abstractmethod
    def feed(
        self, state: S, timeline: Timeline, data: npt.NDArray[np.float64], until: float
    ) -> list[Output]:
        """Feed the next ``(n, n_channels)`` samples; ``until`` is the last one's time (s).

        ``timeline`` already holds the timestamps of these samples.
        """

    def close_stream(self, state: S, timeline: Timeline) -> list[Output]:
        """Emit what the state holds pending (end of session, or a gap); default nothing."""
        return []

    # ------------------------------------------------------------------ Processor

    def start(self, context: Context) -> None:
        """Remember the instance name; check the streams known at start."""
        self.name = context.name
        for info in context.inputs:
            self.check_stream(info)

    def process(self, chunk: Chunk) -> Iterable[Output]:
        """Feed one chunk to its stream's state; return the events it produced."""
        info = chunk.info
        if info.irregular or info.dtype == "string":
            if info.name not in self._skipped:
                self._skipped.add(info.name)
                log.warning("%s: stream %r is not regularly sampled; ignored", self.name, info.name)
            return []
        if len(chunk) == 0:
            return []
        out: list[Output] = []
        tl = self._timelines.get(info.name)
        if tl is not None and chunk.first_timestamp - tl.last > GAP_RESET:
            gap = chunk.first_timestamp - tl.last
            log.info("%s: %.3f s gap in stream %r; restarting it", self.name, gap, info.name)
            out.extend(self.close_stream(self._states[info.name], tl))
            tl = None
        if tl is None:
            self.check_stream(info)
            tl = self._timelines[info.name] = Timeline(info.rate, self.history)
            self._states[info.name] = self.open_stream(info, chunk.first_timestamp)
        state = self._states[info.name]
        data = np.asarray(chunk.data, dtype=np.float64)
        step = self._block(info.rate, data.shape[0])
        for i in range(0, data.shape[0], step):
            ts = chunk.timestamps[i : i + step]
            tl.store(ts)
            out.extend(self.feed(state, tl, data[i : i + step], float(ts[-1])))
        return out

    def flush(self) -> Iterable[Output]:
        """Emit what is pending in every stream at the end of the session."""
        out: list[Output] = []
        for name, state in self._states.items():
            out.extend(self.close_stream(state, self._timelines[name]))
        return out

    def _block(self, rate: float, n: int) -> int:
        if self.block_duration is None:
            return n
        return max(1, int(rate * self.block_duration))
