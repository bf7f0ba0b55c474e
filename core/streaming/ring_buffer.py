"""One fixed-capacity ring buffer of float64 samples, addressed by absolute sample index."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from heartmind.errors import ConfigError

__all__ = ["RingBuffer"]

_F64 = npt.NDArray[np.float64]


class RingBuffer:
    """The last ``capacity`` samples of a signal, addressed by absolute sample index.

    Sample ``i`` is the ``i``-th sample ever appended (0-based); the buffer holds samples
    ``first … n - 1``. Appending a block longer than the capacity keeps its tail.

    Parameters
    ----------
    capacity
        Number of samples held (≥ 1).
    channels
        ``None`` for a 1-D signal, else the number of columns of each sample.

    Examples
    --------
    >>> buf = RingBuffer(4)
    >>> buf.append([1.0, 2.0, 3.0])
    >>> buf.append([4.0, 5.0])
    >>> buf.first, buf.n
    (1, 5)
    >>> buf.segment(2, 5)
    array([3., 4., 5.])
    >>> buf.segment(0, 2) is None  # sample 0 was overwritten
    True
    """

    def __init__(self, capacity: int, channels: int | None = None) -> None:
        cap = int(capacity)
        if cap < 1:
            raise ConfigError(f"RingBuffer: capacity must be >= 1 sample, got {capacity}.")
        shape = (cap,) if channels is None else (cap, int(channels))
        self._data: _F64 = np.zeros(shape)
        self.capacity = cap
        #: Number of samples appended so far (absolute index of the next sample).
        self.n = 0

    @property
    def first(self) -> int:
        """Absolute index of the oldest sample held."""
        return max(0, self.n - self.capacity)

    def holds(self, index: int) -> bool:
        """Whether absolute sample ``index`` is still in the buffer."""
        return self.first <= index < self.n

    def append(self, block: npt.ArrayLike) -> None:
        """Append the next samples (a 1-D block, or ``(n, channels)`` for a multi-channel one)."""
        arr = np.asarray(block, dtype=np.float64)
        count = arr.shape[0] if arr.ndim else 0
        if count == 0:
            return
        keep = arr[-self.capacity :]
        k = keep.shape[0]
        pos = (self.n + count - k) % self.capacity
        head = min(k, self.capacity - pos)
        self._data[pos : pos + head] = keep[:head]
        if head < k:
            self._data[: k - head] = keep[head:]
        self.n += count

    def at(self, index: int) -> float:
        """Value of absolute sample ``index`` of a 1-D buffer (it must be held)."""
        if not self.holds(index):
            raise IndexError(f"sample {index} is not held (held: {self.first}…{self.n - 1})")
        return float(self._data[index % self.capacity])

    def segment(self, start: int, stop: int) -> _F64 | None:
        """A copy of samples ``[start, stop)``, or ``None`` unless all of them are held."""
        if stop <= start or start < self.first or stop > self.n:
            return None
        a, b = start % self.capacity, stop % self.capacity
        if a < b:
            return self._data[a:b].copy()
        return np.concatenate((self._data[a:], self._data[:b]))

    def latest(self, count: int) -> _F64:
        """A copy of the last ``min(count, held)`` samples, oldest first."""
        start = max(self.first, self.n - int(count))
        out = self.segment(start, self.n)
        return out if out is not None else self._data[:0].copy()
