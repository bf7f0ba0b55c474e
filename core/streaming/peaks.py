"""Causal peak picking with an adaptive threshold (PPG pulses, radar heartbeats, …).

The picker sees a feature signal (e.g. the slope of a band-passed PPG) block by block and
gives the same peaks whatever the blocking: a sample is a candidate when it is the largest
within ``±lookahead`` and above the threshold, so it is decided ``lookahead`` after the
sample, at an index that depends only on the data.

Threshold: ``fraction × level``, where ``level`` is the median of the last 8 accepted peak
heights (initialised from the largest value of the first ``learning`` s). When no peak was
accepted for 1.8 median intervals, the threshold is halved (a simple search-back).

Optional shape rule (``early`` set; the caller passes a second signal, the *size*, e.g. the
band-passed PPG whose maximum after an upstroke is the height of the wave it starts): a
candidate's size is the maximum of that signal within ``lookahead`` after it. A candidate
less than ``early`` × the median interval after the last peak (an *early* candidate, e.g. a
PPG's diastolic wave after the dicrotic notch) is

* rejected when its size is below ``1 / ratio`` × the last peak's size (a secondary wave);
* accepted as a new peak when its size is comparable and it is past the refractory period
  (a genuinely faster beat: a sudden rise of the rate is not locked out);
* when its size exceeds ``ratio`` × the last peak's, it **replaces** the last peak if that
  peak is still pending (the last peak was itself a secondary wave or an artefact), or is
  accepted as a new peak past the refractory period.

A peak is therefore pending, not yet returned, until its early window has passed: it is
returned ``lookahead`` + the early window (≤ ``max_early`` s) after it.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from heartmind.errors import ConfigError

__all__ = ["CausalPeakPicker"]

_F64 = npt.NDArray[np.float64]


@dataclass
class _Peak:
    """An accepted peak and what accepting it changed (to undo a replacement)."""

    index: int  # sample index of the feature peak
    size: float  # its size (shape rule), 0 without one
    window: int  # early window after it, in samples
    added_interval: bool  # whether accepting it appended an interval


class CausalPeakPicker:
    """Streaming local-maximum detector with refractory period and adaptive threshold.

    Parameters
    ----------
    sampling_rate
        Rate of the feature signal in Hz.
    lookahead
        Half width of the local-maximum window, in s (also the decision delay).
    refractory
        Minimum interval between two peaks, in s.
    fraction
        Threshold as a fraction of the typical peak height.
    learning
        Length of the initial phase that sets the first threshold, in s.
    early
        Shape rule (see the module notes): early window as a fraction of the median
        interval; ``None`` (default) = no shape rule, peaks returned after ``lookahead``.
    ratio
        Size ratio of the shape rule (> 1): a smaller candidate is a secondary wave below
        ``1 / ratio`` × the last peak's size; a larger one replaces it above ``ratio`` ×.
    max_early
        Longest early window in s (bounds the decision delay; the early window is
        ``early`` × 1 s until an interval is known).
    """

    def __init__(
        self,
        sampling_rate: float,
        *,
        lookahead: float = 0.25,
        refractory: float = 0.3,
        fraction: float = 0.45,
        learning: float = 3.0,
        early: float | None = None,
        ratio: float = 2.0,
        max_early: float = 1.0,
    ) -> None:
        from scipy import ndimage  # loads with the first picker, not with the kit

        self._max_filter = ndimage.maximum_filter1d
        fs = float(sampling_rate)
        self._look = max(1, round(lookahead * fs))
        self._refr = max(1, round(refractory * fs))
        self._fraction = float(fraction)
        self._learn = max(self._look + 1, round(learning * fs))
        self._early = None if early is None else float(early)
        self._ratio = float(ratio)
        self._max_early = max(1, round(max_early * fs))
        self._fs = fs
        self._buf = np.zeros(0)
        self._size = np.zeros(0)  # the size signal, aligned with _buf
        self._buf0 = 0  # absolute index of _buf[0]
        self._n = 0
        self._next = 0  # first sample not yet evaluated
        self._heights: deque[float] = deque(maxlen=8)
        self._intervals: deque[int] = deque(maxlen=8)
        self._last: _Peak | None = None  # last accepted peak (pending or returned)
        self._before: _Peak | None = None  # the one before it, while _last is pending
        self._pending = False
        self._out: list[int] = []
        self._decided: list[int] = []
        #: Decision indices (sample index of the feature at which each peak was decided)
        #: of the peaks returned by the last :meth:`process` call.
        self.decided: list[int] = []

    @property
    def delay(self) -> int:
        """Shortest decision delay in samples (the lookahead; pending peaks wait longer)."""
        return self._look

    @property
    def horizon(self) -> int:
        """Smallest sample index that a later :meth:`process` call may still return."""
        if self._pending and self._last is not None:
            return self._last.index
        return self._next

    def process(self, feature: _F64, size: _F64 | None = None, *, final: bool = False) -> list[int]:
        """Feed the next samples of the feature; return absolute indices of new peaks.

        Parameters
        ----------
        feature
            Next samples of the feature signal.
        size
            Next samples of the size signal (same length; required with ``early``).
        final
            Decide everything still pending (end of the recording).
        """
        if self._early is not None:
            if size is None or size.shape != feature.shape:
                raise ConfigError("the shape rule needs a size signal aligned with the feature")
            self._size = np.concatenate((self._size, size))
        self._buf = np.concatenate((self._buf, feature))
        self._n += feature.size
        self._out, self._decided = [], []
        if self._n < self._learn and not final:
            return self._result()
        if not self._heights:
            head = self._buf[: self._learn - self._buf0]
            if head.size == 0 or float(head.max()) <= 0:
                self._skip_learning(final)
                return self._result()
            self._heights.append(float(head.max()))
        last = self._n - 1 if final else self._n - 1 - self._look
        if last >= self._next:
            self._scan(self._next, last)
            self._next = last + 1
        if final:
            self._release(self._n - 1)
        cut = max(0, self._next - self._look - 1 - self._buf0)
        self._buf = self._buf[cut:]
        if self._early is not None:
            self._size = self._size[cut:]
        self._buf0 += cut
        return self._result()

    def _result(self) -> list[int]:
        self.decided = self._decided
        return self._out

    def _skip_learning(self, final: bool) -> None:
        """A flat start (no positive value yet): keep waiting with a bounded buffer."""
        if not final and self._buf.size > 4 * self._learn:
            drop = self._buf.size - self._learn
            self._buf = self._buf[drop:]
            if self._early is not None:
                self._size = self._size[drop:]
            self._buf0 += drop
            self._learn = self._buf0 + self._learn
            self._next = self._buf0

    def _scan(self, first: int, last: int) -> None:
        buf = self._buf
        peak = self._max_filter(buf, 2 * self._look + 1, mode="constant", cval=-np.inf)
        lo, hi = first - self._buf0, last - self._buf0 + 1
        seg = buf[lo:hi]
        prev = np.concatenate(([-np.inf], buf[:-1]))[lo:hi]
        cand = np.flatnonzero((seg == peak[lo:hi]) & (seg > prev) & (seg > 0)) + lo
        for rel in cand.tolist():
            index = rel + self._buf0
            self._release_before(index)
            size = 0.0
            if self._early is not None:
                size = max(0.0, float(self._size[rel : rel + self._look + 1].max()))
            self._accept(index, float(buf[rel]), size)
        self._release_before(last + 1)

    def _release_before(self, index: int) -> None:
        """Return the pending peak if ``index`` lies past its early window."""
        p = self._last
        if self._pending and p is not None and index - p.index >= p.window:
            self._release(p.index + p.window - 1 + self._look)

    def _release(self, decided: int) -> None:
        if self._pending and self._last is not None:
            self._out.append(self._last.index)
            self._decided.append(min(decided, self._n - 1))
            self._pending = False
            self._before = None

    def _accept(self, index: int, value: float, size: float) -> None:
        thr = self._fraction * float(np.median(self._heights))
        last = self._last
        gap_limit = 1.8 * float(np.median(self._intervals)) if self._intervals else np.inf
        if last is not None and index - last.index > gap_limit:
            thr *= 0.5
        if value < thr:
            return
        if last is None:
            self._add(index, value, size)
            return
        gap = index - last.index
        if self._early is not None and gap < last.window:
            if size > self._ratio * last.size:
                if self._pending:
                    self._undo()
                    self._accept(index, value, size)
                    return
            elif size * self._ratio < last.size:
                return  # a secondary wave (e.g. the diastolic upstroke)
        if gap < self._refr:
            return
        self._add(index, value, size)

    def _add(self, index: int, value: float, size: float) -> None:
        added = False
        if self._last is not None and index - self._last.index < 3 * self._refr * 4:
            self._intervals.append(index - self._last.index)
            added = True
        self._heights.append(value)
        window = self._look
        if self._early is not None:
            self._release(index + self._look)  # a comparable, faster beat: keep both
            typical = float(np.median(self._intervals)) if self._intervals else self._fs
            window = min(self._max_early, max(1, round(self._early * typical)))
            self._before = self._last
            self._pending = True
        peak = _Peak(index, size, window, added)
        if self._early is None:
            self._out.append(index)
            self._decided.append(index + self._look)
        self._last = peak

    def _undo(self) -> None:
        """Forget the pending peak (it is being replaced by a larger one)."""
        p = self._last
        if p is None:
            return
        if self._heights:
            self._heights.pop()
        if p.added_interval and self._intervals:
            self._intervals.pop()
        self._last, self._before = self._before, None
        self._pending = False
