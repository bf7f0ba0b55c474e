"""The ``lsl-inlet`` sensor: reads one LSL stream into a heartmind session.

Timestamps are converted once, here, to the session clock (this machine's LSL clock) by
adding liblsl's ``time_correction`` estimate; the estimates themselves are kept
(:meth:`LSLInlet.clock_offsets`), as LabRecorder keeps them for XDF ``ClockOffset``
chunks. When the outlet disappears, the inlet keeps looking for it (same ``source_id``),
reconnects when it returns and emits a :class:`heartmind.Gap` with the exact lost interval.
Nothing is ever zero-filled or padded.
"""

from __future__ import annotations

import logging
from collections import deque
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from heartmind.clock import local_clock
from heartmind.components import Context, Output, Sensor
from heartmind.errors import SessionError
from heartmind.events import Gap
from heartmind.streams import Chunk, StreamInfo

from ._resolve import build_predicate, describe, resolve_one
from ._safe_config import Scope, ensure_lsl
from ._stream_info import from_lsl_info

__all__ = ["LSLInlet"]

log = logging.getLogger(__name__)

Status = Literal["new", "streaming", "silent", "lost", "stopped"]
_OFFSET_INTERVAL = 5.0  # s between time-correction readings (LabRecorder uses 5 s)
_MAX_OFFSETS = 100_000


def _lsl_error(pylsl: Any, name: str) -> type[Exception]:
    """pylsl's exception class ``name`` (exported by ``pylsl`` or ``pylsl.util``)."""
    found = getattr(pylsl, name, None) or getattr(getattr(pylsl, "util", None), name, None)
    return found if isinstance(found, type) else RuntimeError


class LSLInlet(Sensor):
    """A live sensor reading one LSL stream.

    Parameters
    ----------
    lsl_name, lsl_type, source_id
        Select the stream by these LSL properties (all given ones must match). They are
        not called ``name``/``type``: ``Session.add_sensor`` takes ``name`` itself.
    predicate
        An XPath 1.0 predicate over the stream's info, as for ``pylsl.resolve_bypred``
        (e.g. ``"starts-with(name, 'EEG') and channel_count > 4"``); combined with the above.
    timeout
        How long ``start`` waits for the stream, in s.
    rename
        Name of the stream in heartmind (default: its LSL name).
    clock_sync
        Add liblsl's time-correction offset to every timestamp (default). If False, the
        chunks carry the sender's raw timestamps; :meth:`clock_offsets` has the offsets.
    dejitter
        Smooth the timestamps of regular streams with liblsl's dejitter filter.
    max_samples
        Largest chunk returned by one ``read``, in samples.
    max_buflen
        liblsl's inlet buffer, in s for regular streams (x100 samples if irregular).
    watchdog
        Silence in s (at least 5 sample periods) after which a regular stream's outlet
        is checked and, if it is gone, searched for again.
    gap_threshold
        A jump between successive timestamps larger than this (s) is a gap; 0 picks
        ``max(5 / rate, 0.05)``. Irregular streams report gaps only after a lost outlet.
    scope
        LSL scope, see :func:`heartmind.plugins.lsl.api.ensure_lsl`.
    """

    live = True

    def __init__(
        self,
        *,
        lsl_name: str = "",
        lsl_type: str = "",
        source_id: str = "",
        predicate: str = "",
        timeout: float = 5.0,
        rename: str = "",
        clock_sync: bool = True,
        dejitter: bool = False,
        max_samples: int = 1024,
        max_buflen: int = 360,
        watchdog: float = 1.0,
        gap_threshold: float = 0.0,
        scope: Scope = "machine",
    ) -> None:
        self._pylsl = ensure_lsl(scope)
        self._lost_error: type[Exception] = _lsl_error(self._pylsl, "LostError")
        self.predicate = build_predicate(
            name=lsl_name, type=lsl_type, source_id=source_id, predicate=predicate
        )
        self.timeout = float(timeout)
        self._rename = rename
        self._clock_sync = clock_sync
        self._dejitter = dejitter
        self._max_samples = int(max_samples)
        self._max_buflen = int(max_buflen)
        self._watchdog_s = float(watchdog)
        self._gap_threshold = float(gap_threshold)
        self._source = "lsl-inlet"
        self._info: StreamInfo | None = None
        self._inlet: Any = None
        self._uid = ""
        self._recover_predicate = ""
        self._buf: npt.NDArray[Any] | None = None
        self._pending: deque[Output] = deque()
        self._offsets: list[tuple[float, float]] = []
        self._offset = 0.0
        self._next_offset = 0.0
        self._last_ts: float | None = None
        self._last_arrival = 0.0
        self._next_check = 0.0
        self._lost_since: float | None = None
        self.status: Status = "new"
        self.gaps = 0
        self.reconnects = 0

    # ------------------------------------------------------------------ lifecycle

    @property
    def streams(self) -> tuple[StreamInfo, ...]:
        return () if self._info is None else (self._info,)

    @property
    def info(self) -> StreamInfo:
        """The stream's description (after ``start``)."""
        if self._info is None:
            raise SessionError("the lsl-inlet sensor has no stream before start().")
        return self._info

    def start(self, context: Context) -> None:
        """Resolve the stream (waiting up to ``timeout`` s) and open it."""
        self.open(resolve_one(self._pylsl, self.predicate, self.timeout), context)

    def open(self, found: Any, context: Context) -> None:
        """Open an already resolved stream (a ``pylsl.StreamInfo``) instead of resolving.

        Used in place of :meth:`start` by sensors that resolve many streams themselves
        (``lsl-streams``); waits up to ``timeout`` s for the stream's full info.
        """
        self._source = context.name
        self._connect(found, self.timeout)
        if not self.info.source_id:
            log.warning(
                "LSL stream %s has no source_id: after a loss, heartmind reconnects to any "
                "stream with the same name, type and channel count.",
                describe(found),
            )

    def stop(self) -> None:
        """Close the inlet (the outlet side is left alone)."""
        self._close()
        self.status = "stopped"

    def clock_offsets(self) -> list[tuple[float, float]]:
        """Time-correction readings ``(local time, offset)`` in s, oldest first.

        ``offset`` is what was added to the sender's timestamps (``clock_sync=True``);
        a recorder writes these as XDF ``ClockOffset`` chunks, as LabRecorder does.
        """
        return list(self._offsets)

    # ------------------------------------------------------------------ connection

    def _connect(self, found: Any, timeout: float) -> None:
        pylsl = self._pylsl
        rate = float(found.nominal_srate())
        flags = pylsl.proc_dejitter if (self._dejitter and rate > 0) else 0
        inlet = pylsl.StreamInlet(
            found, max_buflen=self._max_buflen, recover=False, processing_flags=flags
        )
        first = self._info is None
        try:
            full = inlet.info(timeout)
            inlet.open_stream(timeout)
            # The first estimate takes ~0.7 s; on a reconnect, keep the last offset
            # meanwhile and pick the new one up as soon as liblsl has it.
            offset = float(inlet.time_correction(timeout)) if first else None
        except Exception:
            inlet.close_stream()
            raise
        self._inlet = inlet
        self._uid = full.uid()
        if offset is not None:
            self._record_offset(offset)
        else:
            self._next_offset = 0.0
        if self._info is None:
            self._info = from_lsl_info(pylsl, full, name=self._rename, clock_offset=offset or 0.0)
            self._recover_predicate = self._make_recover_predicate(full)
        if self._info.dtype != "string":
            shape = (self._max_samples, self._info.n_channels)
            self._buf = np.empty(shape, dtype=self._info.numpy_dtype())
        self._last_arrival = local_clock()
        self.status = "streaming"

    def _make_recover_predicate(self, full: Any) -> str:
        info = self.info
        base = (
            build_predicate(name=full.name(), type=full.type(), source_id=info.source_id)
            if full.name()
            else self.predicate
        )
        return f"{base} and channel_count={info.n_channels}"

    def _close(self) -> None:
        inlet, self._inlet = self._inlet, None
        if inlet is not None:
            try:
                inlet.close_stream()
            except Exception as exc:  # the connection may already be gone
                log.debug("close_stream: %s", exc)

    def _compatible(self, found: Any) -> bool:
        info = self.info
        if found.channel_count() != info.n_channels or found.nominal_srate() != info.rate:
            log.error(
                "LSL stream %s came back with another layout; not reconnecting", describe(found)
            )
            return False
        return True

    def _mark_lost(self, why: str) -> None:
        if self._lost_since is None:
            self._lost_since = local_clock()
            log.warning("LSL stream %s: %s; waiting for it to return", self.info.name, why)
        self.status = "lost"

    def _reconnect(self, timeout: float, found: list[Any] | None = None) -> None:
        """Connect to the stream's outlet again (a new one, if the current is still open)."""
        if found is None:
            found = self._pylsl.resolve_bypred(self._recover_predicate, 1, max(0.05, timeout))
        for candidate in found:
            stale = self._inlet is not None and candidate.uid() == self._uid
            if not stale and self._compatible(candidate):
                self._close()
                try:
                    self._connect(candidate, max(0.5, timeout))
                except Exception as exc:
                    log.warning("reconnecting to %s failed: %s", describe(candidate), exc)
                    return
                self.reconnects += 1
                log.info("LSL stream %s reconnected (%s)", self.info.name, describe(candidate))
                return

    # ------------------------------------------------------------------ reading

    def read(self, timeout: float) -> Output | None:
        """Return the next chunk or ``Gap`` event, waiting at most ``timeout`` s."""
        if self._pending:
            return self._pending.popleft()
        if self._inlet is None:
            self._reconnect(timeout)
            return None
        try:
            data, ts = self._pull(timeout)
        except self._lost_error:
            self._close()
            self._mark_lost("the outlet closed the connection")
            return None
        if len(ts) == 0:
            self._watchdog()
            return None
        self._ingest(data, ts)
        return self._pending.popleft() if self._pending else None

    def _pull(self, timeout: float) -> tuple[Any, npt.NDArray[np.float64]]:
        """Up to ``max_samples`` samples; waits up to ``timeout`` s for the first one only.

        Without a timeout one liblsl call returns what is there (``min_samples`` would
        make pylsl pull twice).
        """
        inlet = self._inlet
        least = 1 if timeout > 0 else None
        if self._buf is None:
            samples, ts = inlet.pull_chunk(timeout, self._max_samples, min_samples=least)
            return samples, np.asarray(ts, dtype=np.float64)
        data, ts = inlet.pull_chunk(
            timeout, self._max_samples, dest_obj=self._buf, min_samples=least, as_numpy=True
        )
        return data, ts

    def _ingest(self, data: Any, ts_raw: npt.NDArray[np.float64]) -> None:
        now = local_clock()
        self._last_arrival = now
        if now >= self._next_offset:
            self._refresh_offset(now)
        ts = ts_raw + self._offset if self._clock_sync else ts_raw
        info = self.info
        if info.dtype == "string":
            data = np.asarray(data, dtype=object).reshape(len(ts), info.n_channels)
        self._find_gaps(ts, now)
        applied = self._offset if self._clock_sync else 0.0
        self._pending.append(Chunk(data, ts, info, clock_offset=applied))
        self._last_ts = float(ts[-1])
        self._lost_since = None
        self.status = "streaming"

    def _find_gaps(self, ts: npt.NDArray[np.float64], now: float) -> None:
        info = self.info
        last = self._last_ts
        if info.irregular:
            if self._lost_since is not None and last is not None:
                self._gap(last, float(ts[0]), now, "outlet lost; markers sent meanwhile missed")
            return
        threshold = self._gap_threshold or max(5.0 / info.rate, 0.05)
        if last is not None and ts[0] - last > threshold:
            why = "outlet lost and reconnected" if self._lost_since else "samples missing"
            self._gap(last, float(ts[0]), now, why)
        if len(ts) > 1:
            for i in np.flatnonzero(np.diff(ts) > threshold).tolist():
                self._gap(float(ts[i]), float(ts[i + 1]), now, "samples missing")

    def _gap(self, start: float, end: float, now: float, reason: str) -> None:
        info = self.info
        n_lost = 0 if info.irregular else max(0, round((end - start) * info.rate) - 1)
        self.gaps += 1
        log.warning(
            "LSL stream %s: gap of %.3f s (%d samples) from %.6f to %.6f s (%s)",
            info.name,
            end - start,
            n_lost,
            start,
            end,
            reason,
        )
        self._pending.append(
            Gap(
                timestamp=now,
                source=self._source,
                stream=info.name,
                start=start,
                end=end,
                n_lost=n_lost,
                reason=reason,
            )
        )

    # ------------------------------------------------------------------ clock and watchdog

    def _record_offset(self, offset: float) -> None:
        now = local_clock()
        self._offset = offset
        self._next_offset = now + _OFFSET_INTERVAL
        if len(self._offsets) < _MAX_OFFSETS:
            self._offsets.append((now, offset))

    def _refresh_offset(self, now: float) -> None:
        inlet = self._inlet
        try:
            if inlet.was_clock_reset():
                log.info("LSL stream %s: the sender's clock was reset", self.info.name)
            self._record_offset(float(inlet.time_correction(0.0)))
        except Exception as exc:  # no fresh estimate yet: keep the last one
            log.debug("time_correction: %s", exc)
            self._next_offset = now + 0.1

    def _watchdog(self) -> None:
        """Notice a silent outlet of a regular stream and look for its replacement."""
        info = self.info
        if info.irregular:
            return
        now = local_clock()
        limit = max(self._watchdog_s, 5.0 / info.rate)
        if now - self._last_arrival < limit or now < self._next_check:
            return
        self._next_check = now + min(self._watchdog_s, 1.0)
        found = self._pylsl.resolve_bypred(self._recover_predicate, 1, 0.2)
        if any(f.uid() == self._uid for f in found):
            if self.status != "silent":
                log.warning(
                    "LSL stream %s: outlet alive but silent for %.1f s",
                    info.name,
                    now - self._last_arrival,
                )
            self.status = "silent"
            return
        self._mark_lost(f"no samples for {now - self._last_arrival:.1f} s and outlet gone")
        if found:
            self._reconnect(0.0, found)
