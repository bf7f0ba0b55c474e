"""The streaming face: a simulated multi-lead ECG as heartmind :class:`~heartmind.Chunk` objects.

:class:`EcgStream` looks like :class:`~heartmind.sim.Participant` to a sensor (``seed``,
``streams``, ``chunks(t0, duration, chunk_duration)``), so the ``simulator`` sensor can
serve it unchanged. Its samples are exactly those of :meth:`EcgSimulator.record` with the
same options (as float32).

    from heartmind.sim.ecg import EcgStream

    s = EcgStream(seed=3, rhythm="AF", leads=None, sampling_rate=500)   # 12 leads
    for chunk in s.chunks(t0=0.0, duration=30.0):
        ...   # "sim-ECG" chunks (n × 12, mV) and "sim-BEATS" truth chunks
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from ...streams import Chunk, StreamInfo
from .generator import EcgSimulator
from .truth import AAMI

__all__ = ["BEAT_CHANNELS", "EcgStream"]

#: Channels of the BEATS truth stream: RR interval (s), ectopic flag (AAMI class not N),
#: AAMI class index in ``"NSVFQ"``.
BEAT_CHANNELS: tuple[str, ...] = ("rr_s", "ectopic", "aami")
_AAMI_INDEX = {c: float(i) for i, c in enumerate("NSVFQ")}


class EcgStream:
    """A simulated ECG (any leads) plus its beat truth as heartmind streams.

    Parameters
    ----------
    seed
        Record seed (also the subject seed unless ``subject`` is given).
    truth
        Also produce a ``BEATS`` stream (one sample per beat at its time).
    name_prefix
        Streams are named ``f"{name_prefix}-ECG"`` and ``f"{name_prefix}-BEATS"``.
    **options
        :class:`EcgSimulator` options (``subject``, ``rhythm``, ``ectopy``, ``conditions``,
        ``leads``, ``sampling_rate``, ``session``, ``noise``, ``snr_db``, …).
    """

    def __init__(
        self, seed: int = 0, *, truth: bool = True, name_prefix: str = "sim", **options: Any
    ) -> None:
        self.seed = int(seed)
        self.truth = bool(truth)
        self.name_prefix = name_prefix
        self._options = options
        sim = self.simulator()  # validates the options once
        meta = {
            "simulator": "heartmind.sim.ecg",
            "subject_seed": sim.subject.seed,
            "session": sim.subject.session_index,
            "conditions": [c.label for c in sim.conditions],
            "rhythm": [ep.rhythm.name for ep in sim.episodes],
        }
        ecg = StreamInfo(
            name=f"{name_prefix}-ECG",
            type="ECG",
            channels=sim.leads,
            units="mV",
            rate=sim.sampling_rate,
            dtype="float32",
            source_id=f"heartmind-sim-ecg:{name_prefix}:{self.seed}",
            meta=meta,
        )
        beats = StreamInfo(
            name=f"{name_prefix}-BEATS",
            type="BEATS",
            channels=BEAT_CHANNELS,
            units=("s", "bool", "index"),
            rate=0.0,
            dtype="float64",
            source_id=f"heartmind-sim-ecg:{name_prefix}:BEATS:{self.seed}",
            meta=meta,
        )
        self._beats_info = beats
        self._streams = (ecg, beats) if self.truth else (ecg,)

    def simulator(self) -> EcgSimulator:
        """A fresh :class:`EcgSimulator` with this stream's options."""
        return EcgSimulator(seed=self.seed, **self._options)

    @property
    def streams(self) -> tuple[StreamInfo, ...]:
        """The ECG stream and (with ``truth``) the BEATS stream."""
        return self._streams

    def chunks(
        self, t0: float = 0.0, duration: float | None = None, chunk_duration: float = 0.25
    ) -> Iterator[Chunk]:
        """Chunks in timestamp order; ``duration=None`` runs forever.

        Parameters
        ----------
        t0
            Session-clock time of sample 0 in s.
        duration
            Length in s.
        chunk_duration
            Length of each ECG chunk in s; it never changes the samples.
        """
        sim = self.simulator()
        ecg = self._streams[0]
        fs = sim.sampling_rate
        sent_beats = 0
        prev_t = math.nan
        for ts, data in sim.chunks(t0, duration, chunk_duration):
            yield Chunk(data.astype(np.float32), ts, ecg)
            if not self.truth:
                continue
            end = (ts[-1] - t0) + 0.5 / fs
            log = sim.seq.beats
            stop = bisect.bisect_left(log.time, end)
            start = max(sent_beats, bisect.bisect_left(log.time, 0.0))
            if stop > start:
                times = np.asarray(log.time[start:stop])
                prev = np.concatenate(([log.time[start - 1] if start > 0 else prev_t], times[:-1]))
                aami = [AAMI[s] for s in log.symbol[start:stop]]
                data_b = np.column_stack(
                    (
                        times - prev,
                        [0.0 if a == "N" else 1.0 for a in aami],
                        [_AAMI_INDEX[a] for a in aami],
                    )
                )
                yield Chunk(data_b, t0 + times, self._beats_info)
                prev_t = float(times[-1])
            sent_beats = max(sent_beats, stop)
