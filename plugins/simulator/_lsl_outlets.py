"""Publish a simulated participant as real LSL outlets (``heartmind simulate``).

One :class:`heartmind.sim.Participant` (one scripted state shared by every stream) is
rendered chunk by chunk; each stream becomes one LSL outlet with full metadata, plus a
``<prefix>-TRUTH`` string marker stream that merges the ground truth (``"beat rr=0.812"``
per R peak, ``"phase:<name>"`` per phase change).

Timestamps follow the nominal rate exactly: sample ``n`` of a regular stream is stamped
``t0 + n / rate`` (``t0``: the LSL clock at start), never the clock at push time; each
chunk is pushed once the wall clock has reached its last timestamp.
"""

from __future__ import annotations

import dataclasses
import heapq
import logging
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import numpy as np
import numpy.typing as npt

from heartmind.plugins.lsl.api import to_lsl_info
from heartmind.sim import Participant
from heartmind.streams import Chunk, StreamInfo

__all__ = ["MANUFACTURER", "PublishStats", "SimulatedOutlets", "truth_info"]

log = logging.getLogger(__name__)

#: ``desc/acquisition/manufacturer`` of every simulated outlet.
MANUFACTURER = "heartmind simulator"


def truth_info(prefix: str) -> StreamInfo:
    """The merged ground-truth marker stream (beats and phase changes as strings)."""
    return StreamInfo(
        name=f"{prefix}-TRUTH",
        type="MARKERS",
        channels=("truth",),
        units="",
        rate=0.0,
        dtype="string",
        meta={"format": "'beat rr=<s>[ ectopic]' per R peak, 'phase:<name>' per phase"},
    )


@dataclass
class PublishStats:
    """What a run published: samples per stream, and its span on the LSL clock (s)."""

    t0: float = 0.0
    last: float = 0.0
    samples: dict[str, int] = field(default_factory=dict)
    late: float = 0.0  #: largest delay of a push after its due time, s


class SimulatedOutlets:
    """LSL outlets for every stream of a participant, pushed in paced, exact time.

    Parameters
    ----------
    participant
        The simulated participant (``truth=True`` adds BEATS, STATE, MARKERS and TRUTH).
    pylsl
        The pylsl module, from :func:`heartmind.plugins.lsl.api.ensure_lsl`.
    source_id
        Stem of the LSL source ids: stream ``<prefix>-TYPE`` gets ``f"{source_id}-{TYPE}"``
        (``TRUTH`` for the merged ground-truth stream).
    chunk_duration
        Length of each pushed chunk in s (latency vs. overhead).
    """

    def __init__(
        self,
        participant: Participant,
        pylsl: ModuleType,
        source_id: str,
        chunk_duration: float = 0.05,
    ) -> None:
        self.participant = participant
        self.pylsl = pylsl
        self.chunk_duration = float(chunk_duration)
        infos = list(participant.streams)
        if participant.truth:
            infos.append(truth_info(participant.name_prefix))
        self.infos = infos
        self._outlets: dict[str, Any] = {}
        for info in infos:
            lsl_type = "Markers" if info.dtype == "string" else info.type
            lsl_info = to_lsl_info(
                pylsl,
                dataclasses.replace(info, type=lsl_type),
                name=info.name,
                source_id=f"{source_id}-{info.name.removeprefix(participant.name_prefix + '-')}",
            )
            acq = lsl_info.desc().child("acquisition")
            acq.set_child_value("manufacturer", MANUFACTURER)
            acq.append_child_value("model", "heartmind.sim.Participant")
            acq.append_child_value("state", participant.script.name)
            acq.append_child_value("seed", str(participant.seed))
            self._outlets[info.name] = pylsl.StreamOutlet(lsl_info, 0, 360)

    def close(self) -> None:
        """Destroy every outlet."""
        self._outlets.clear()

    def run(
        self,
        duration: float | None,
        *,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> PublishStats:
        """Push ``duration`` s of every stream (``None``: until interrupted).

        ``KeyboardInterrupt`` ends the run; the stats so far are kept in ``self.stats``.
        """
        clock = clock or self.pylsl.local_clock
        stats = PublishStats(t0=clock(), samples={i.name: 0 for i in self.infos})
        self.stats = stats
        truth: list[tuple[float, int, str]] = []
        seq = 0
        for chunk in self.participant.chunks(0.0, duration, self.chunk_duration):
            stamps = self._stamps(chunk, stats)
            due = stats.t0 + chunk.last_timestamp
            wait = due - clock()
            if wait > 0:
                sleep(wait)
            else:
                stats.late = max(stats.late, -wait)
            self._push(chunk.info, chunk.data, stamps, stats)
            for ts, text in _truth_items(chunk, stamps):
                heapq.heappush(truth, (ts, seq, text))
                seq += 1
            self._flush_truth(truth, stamps[0], stats)
        self._flush_truth(truth, math.inf, stats)
        return stats

    def _stamps(self, chunk: Chunk, stats: PublishStats) -> npt.NDArray[np.float64]:
        """Exact timestamps: ``t0 + n / rate`` for regular streams, ``t0 + t`` otherwise."""
        info = chunk.info
        if info.rate > 0:
            n0 = stats.samples[info.name]
            return stats.t0 + (n0 + np.arange(len(chunk), dtype=np.float64)) / info.rate
        return stats.t0 + chunk.timestamps

    def _push(
        self, info: StreamInfo, data: Any, stamps: npt.NDArray[np.float64], stats: PublishStats
    ) -> None:
        outlet = self._outlets[info.name]
        if info.dtype == "string":
            outlet.push_chunk([[str(v) for v in row] for row in data], stamps.tolist())
        else:
            outlet.push_chunk(np.ascontiguousarray(data), stamps.tolist())
        stats.samples[info.name] += len(stamps)
        stats.last = max(stats.last, float(stamps[-1]))

    def _flush_truth(
        self, heap: list[tuple[float, int, str]], until: float, stats: PublishStats
    ) -> None:
        name = f"{self.participant.name_prefix}-TRUTH"
        if name not in self._outlets:
            heap.clear()
            return
        items = []
        while heap and heap[0][0] <= until:
            items.append(heapq.heappop(heap))
        if items:
            stamps = np.array([ts for ts, _, _ in items], dtype=np.float64)
            data = [[text] for _, _, text in items]
            self._push(self.infos[-1], data, stamps, stats)


def _truth_items(chunk: Chunk, stamps: npt.NDArray[np.float64]) -> Iterator[tuple[float, str]]:
    """Ground-truth strings of a BEATS or MARKERS chunk, with their timestamps."""
    if chunk.info.type == "BEATS":
        for ts, (rr, ectopic) in zip(stamps, chunk.data, strict=True):
            text = f"beat rr={rr:.3f}" if math.isfinite(rr) else "beat"
            yield float(ts), text + (" ectopic" if ectopic else "")
    elif chunk.info.type == "MARKERS":
        for ts, (text,) in zip(stamps, chunk.data, strict=True):
            yield float(ts), str(text)
