"""RingBuffer, Timeline and Ticks of heartmind.streaming."""

from __future__ import annotations

import math

import numpy as np
import pytest

from heartmind.errors import ConfigError
from heartmind.streaming import RingBuffer, Ticks, Timeline


def test_ring_buffer_keeps_the_last_samples_by_absolute_index() -> None:
    buf = RingBuffer(5)
    x = np.arange(23, dtype=np.float64)
    for block in np.array_split(x, [1, 4, 4, 11, 12, 20]):  # includes an empty block
        buf.append(block)
    assert (buf.n, buf.first) == (23, 18)
    np.testing.assert_array_equal(buf.segment(18, 23), x[18:23])
    np.testing.assert_array_equal(buf.segment(19, 22), x[19:22])
    np.testing.assert_array_equal(buf.latest(3), x[20:])
    np.testing.assert_array_equal(buf.latest(99), x[18:])
    assert buf.segment(17, 20) is None  # sample 17 was overwritten
    assert buf.segment(20, 24) is None  # sample 23 does not exist yet
    assert buf.segment(20, 20) is None
    assert buf.at(22) == 22.0 and buf.holds(18) and not buf.holds(17)
    with pytest.raises(IndexError):
        buf.at(17)


def test_ring_buffer_block_longer_than_capacity_and_wrapping() -> None:
    buf = RingBuffer(4)
    buf.append(np.arange(3.0))
    buf.append(np.arange(3.0, 13.0))  # longer than the buffer: its tail is kept
    np.testing.assert_array_equal(buf.segment(9, 13), [9.0, 10.0, 11.0, 12.0])
    rng = np.random.default_rng(1)
    big = RingBuffer(37)
    data = rng.normal(size=500)
    pos = 0
    while pos < data.size:  # random block sizes: every segment equals the plain array
        step = int(rng.integers(0, 60))
        big.append(data[pos : pos + step])
        pos += step
        lo = int(rng.integers(big.first, big.n))
        hi = int(rng.integers(lo + 1, big.n + 1))
        np.testing.assert_array_equal(big.segment(lo, hi), data[lo:hi])


def test_ring_buffer_with_channels() -> None:
    buf = RingBuffer(6, channels=2)
    x = np.arange(40.0).reshape(20, 2)
    buf.append(x[:7])
    buf.append(x[7:])
    seg = buf.segment(15, 20)
    assert seg is not None and seg.shape == (5, 2)
    np.testing.assert_array_equal(seg, x[15:20])
    with pytest.raises(ConfigError, match="capacity"):
        RingBuffer(0)


def test_timeline_real_times_interpolation_and_extrapolation() -> None:
    tl = Timeline(100.0, history=0.2)  # holds 20 timestamps (at least 16)
    ts = 50.0 + np.arange(100) / 100.0 + np.where(np.arange(100) % 2, 0.002, 0.0)  # jitter
    tl.store(ts[:60])
    tl.store(ts[60:])
    assert tl.n == 100 and tl.last == ts[-1]
    assert tl.time_of(99) == ts[99] and tl.time_of(80) == ts[80]  # held: the real timestamps
    assert tl.time_of(98.5) == pytest.approx(0.5 * (ts[98] + ts[99]))
    assert tl.time_of(10) == pytest.approx(ts[99] - 89 / 100.0)  # too old: nominal rate
    assert tl.time_of(102) == pytest.approx(ts[99] + 3 / 100.0)  # not seen yet
    assert tl.time_of(99.5) == pytest.approx(ts[99] + 0.005)
    np.testing.assert_array_equal(tl.times(90, 5), ts[90:95])
    assert math.isnan(Timeline(10.0).last)


def test_ticks_hand_out_each_grid_time_once() -> None:
    ticks = Ticks(1.0, 0.5)
    assert list(ticks.due(0.9)) == []
    assert list(ticks.due(2.0, inclusive=False)) == [1.0, 1.5]
    assert list(ticks.due(2.0)) == [2.0]
    assert list(ticks.due(2.0)) == []
    delayed = Ticks(5.0, 5.0, delay=0.5)
    assert list(delayed.due(5.5, inclusive=False)) == []
    assert list(delayed.due(5.5)) == [5.0]
    assert list(delayed.due(20.0)) == [10.0, 15.0]
    with pytest.raises(ConfigError, match="interval"):
        Ticks(0.0, 0.0)
