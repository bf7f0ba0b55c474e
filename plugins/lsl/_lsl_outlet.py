"""The ``lsl-outlet`` consumer: republishes heartmind streams and events over LSL.

Each stream routed to it becomes one LSL outlet (name prefix + stream name) with full
channel metadata in ``desc/channels``; events become one string marker stream carrying one
JSON object per sample (``Event.to_json()``), so LabRecorder, OpenViBE or MNE-LSL can
record and display heartmind's results.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from heartmind.clock import local_clock
from heartmind.components import Consumer, Context
from heartmind.events import Event
from heartmind.streams import Chunk, StreamInfo

from ._safe_config import Scope, ensure_lsl
from ._stream_info import to_lsl_info

__all__ = ["LSLOutlet"]

log = logging.getLogger(__name__)


class LSLOutlet(Consumer):
    """A consumer that publishes what it receives as LSL streams.

    Parameters
    ----------
    prefix
        Prepended to every LSL stream name (default ``"heartmind-"``).
    event_topics
        Event topics to publish on the marker stream (``["*"]``: all; ``[]``: none).
    events_name
        Name of the marker stream, after the prefix (default ``"events"``).
    chunk_size
        LSL transmission chunk size in samples (0: one chunk per push).
    max_buffered
        Outlet buffer, in s (regular) or x100 samples (irregular).
    scope
        LSL scope, see :func:`heartmind.plugins.lsl.api.ensure_lsl`.

    Notes
    -----
    ``source_id`` of each outlet is ``"heartmind:" + (stream source id or name)`` so that
    recorders recognise the stream across restarts. On a virtual clock, timestamps are
    shifted onto the LSL clock (virtual 0 s is mapped to the moment the consumer started).
    """

    def __init__(
        self,
        *,
        prefix: str = "heartmind-",
        event_topics: list[str] | None = None,
        events_name: str = "events",
        chunk_size: int = 0,
        max_buffered: int = 360,
        scope: Scope = "machine",
    ) -> None:
        self._pylsl = ensure_lsl(scope)
        self.prefix = prefix
        self.event_topics = ["*"] if event_topics is None else list(event_topics)
        self.events_name = events_name
        self._chunk_size = int(chunk_size)
        self._max_buffered = int(max_buffered)
        self._outlets: dict[str, tuple[StreamInfo, Any]] = {}
        self._events_outlet: Any = None
        self._shift = 0.0
        self._name = "lsl-outlet"

    def start(self, context: Context) -> None:
        """Create the marker outlet; stream outlets are created at their first chunk."""
        self._name = context.name
        if context.clock.virtual:
            self._shift = local_clock() - context.clock.now()
            log.info(
                "lsl-outlet %s: virtual timestamps shifted by %+.3f s onto the LSL clock",
                self._name,
                self._shift,
            )
        if self.event_topics:
            self._events_outlet = self._make_events_outlet()

    def stop(self) -> None:
        """Close every outlet."""
        self._outlets.clear()
        self._events_outlet = None

    @property
    def outlets(self) -> dict[str, str]:
        """LSL stream name of each published heartmind stream."""
        return {k: self.prefix + k for k in self._outlets}

    def _make_events_outlet(self) -> Any:
        pylsl = self._pylsl
        info = pylsl.StreamInfo(
            self.prefix + self.events_name,
            "Markers",
            1,
            pylsl.IRREGULAR_RATE,
            pylsl.cf_string,
            f"heartmind:{self._name}:events",
        )
        desc = info.desc()
        ch = desc.append_child("channels").append_child("channel")
        ch.append_child_value("label", "event")
        ch.append_child_value("unit", "")
        ch.append_child_value("type", "json")
        desc.append_child("acquisition").append_child_value("manufacturer", "heartmind")
        desc.append_child_value("format", "one JSON object per sample (heartmind Event)")
        return pylsl.StreamOutlet(info, 0, self._max_buffered)

    def _outlet_for(self, info: StreamInfo) -> Any:
        entry = self._outlets.get(info.name)
        if entry is not None and entry[0] == info:
            return entry[1]
        if entry is not None:
            log.warning("stream %s changed its layout; its LSL outlet is recreated", info.name)
        lsl_info = to_lsl_info(
            self._pylsl,
            info,
            name=self.prefix + info.name,
            source_id=f"heartmind:{info.source_id or info.name}",
        )
        outlet = self._pylsl.StreamOutlet(lsl_info, self._chunk_size, self._max_buffered)
        self._outlets[info.name] = (info, outlet)
        log.info(
            "lsl-outlet %s: publishing %s as %s", self._name, info.name, self.prefix + info.name
        )
        return outlet

    def on_chunk(self, chunk: Chunk) -> None:
        """Push a chunk with its own per-sample timestamps."""
        if len(chunk) == 0:
            return
        outlet = self._outlet_for(chunk.info)
        stamps = chunk.timestamps + self._shift if self._shift else chunk.timestamps
        if chunk.info.dtype == "string":
            outlet.push_chunk([[str(v) for v in row] for row in chunk.data], stamps.tolist())
        else:
            outlet.push_chunk(np.ascontiguousarray(chunk.data), stamps.tolist())

    def on_event(self, event: Event) -> None:
        """Push one event as one JSON string sample, stamped with the event's time."""
        if self._events_outlet is None:
            return
        if "*" not in self.event_topics and event.topic not in self.event_topics:
            return
        self._events_outlet.push_sample([event.to_json()], event.timestamp + self._shift)
