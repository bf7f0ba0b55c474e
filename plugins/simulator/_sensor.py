"""The simulator sensor object (loaded by the plugin's factory)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from heartmind.components import Context, Output, Sensor
from heartmind.sim import Participant
from heartmind.streams import Chunk, StreamInfo

__all__ = ["SimulatorSensor"]

log = logging.getLogger(__name__)

_RATE_OPTIONS = ("ecg", "ppg", "eda", "rsp", "eeg", "radar", "face", "state")


class SimulatorSensor(Sensor):
    """A generated (non-live) sensor reading chunks of a simulated :class:`Participant`.

    Parameters
    ----------
    seed
        Random seed; -1 takes the session's seed (``context.seed``) at ``start``.
    chunk_duration
        Length of each chunk in s.
    duration
        Simulation length in s; 0 runs until the session stops.
    **options
        The other options of the ``simulator`` spec (see ``heartmind.plugins.simulator``).
    """

    live = False

    def __init__(
        self, *, seed: int = -1, chunk_duration: float = 0.25, duration: float = 0.0, **options: Any
    ) -> None:
        self.seed = int(seed)
        self.chunk_duration = float(chunk_duration)
        self.duration = float(duration)
        rates = {
            k.upper(): options.pop(f"{k}_rate") for k in _RATE_OPTIONS if f"{k}_rate" in options
        }
        options["rates"] = rates
        self._options = options
        self._participant = self._make(max(self.seed, 0))
        self._chunks: Iterator[Chunk] | None = None
        self._finished = False

    def _make(self, seed: int) -> Participant:
        opts = dict(self._options)
        return Participant(
            state=opts.pop("state", "rest-stress-recovery"),
            seed=seed,
            modalities=tuple(opts.pop("modalities", ("ECG",))),
            **opts,
        )

    @property
    def streams(self) -> tuple[StreamInfo, ...]:
        return self._participant.streams

    def start(self, context: Context) -> None:
        seed = self.seed if self.seed >= 0 else context.seed
        if seed != self._participant.seed:
            self._participant = self._make(seed)
        t0 = context.clock.now()
        log.debug("simulator %s starts at %.3f s with seed %d", context.name, t0, seed)
        duration = self.duration if self.duration > 0 else None
        self._chunks = self._participant.chunks(t0, duration, self.chunk_duration)

    def read(self, timeout: float) -> Output | None:
        if self._chunks is None:
            raise RuntimeError("read() before start()")
        try:
            return next(self._chunks)
        except StopIteration:
            self._finished = True
            return None

    @property
    def finished(self) -> bool:
        return self._finished

    def stop(self) -> None:
        self._chunks = None
