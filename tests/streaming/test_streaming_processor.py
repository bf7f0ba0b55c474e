"""StreamProcessor: per-stream states, skipped streams, gap reset, blocks, channel checks."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pytest

from heartmind import Chunk, Context, Marker, StreamInfo, VirtualClock
from heartmind.components import Output
from heartmind.errors import ConfigError
from heartmind.streaming import GAP_RESET, StreamProcessor, Timeline


@dataclass
class _Count:
    info: StreamInfo
    t0: float
    column: int
    blocks: list[int] = field(default_factory=list)
    total: float = 0.0


class _Summer(StreamProcessor[_Count]):
    """Sums its channel; at the end of a stream emits a Marker with the sum and block sizes."""

    kind = "summer"
    min_rate = 10.0

    def __init__(self, channel: str = "") -> None:
        super().__init__()
        self.channel = channel
        self.closed: list[_Count] = []

    def open_stream(self, info: StreamInfo, t0: float) -> _Count:
        return _Count(info, t0, self.column(info))

    def feed(
        self, state: _Count, timeline: Timeline, data: npt.NDArray[np.float64], until: float
    ) -> list[Output]:
        assert timeline.n == sum(state.blocks) + data.shape[0]
        assert until == timeline.last
        state.blocks.append(data.shape[0])
        state.total += float(data[:, state.column].sum())
        return []

    def close_stream(self, state: _Count, timeline: Timeline) -> list[Output]:
        self.closed.append(state)
        return [Marker(timestamp=timeline.last, text=f"{state.info.name}:{state.total:g}")]


class _BlockSummer(_Summer):
    block_duration = 0.25


def _info(
    name: str = "s", rate: float = 100.0, channels: tuple[str, ...] = ("a", "b")
) -> StreamInfo:
    return StreamInfo(name=name, type="ECG", channels=channels, rate=rate, dtype="float64")


def _chunk(info: StreamInfo, t0: float, n: int, value: float = 1.0) -> Chunk:
    data = np.full((n, info.n_channels), value)
    return Chunk(data=data, timestamps=t0 + np.arange(n) / info.rate, info=info)


def test_one_state_per_stream_and_flush() -> None:
    proc = _Summer(channel="b")
    proc.start(Context(name="sum1", clock=VirtualClock(), inputs=(_info("x"), _info("y"))))
    assert proc.name == "sum1"
    for k in range(3):
        proc.process(_chunk(_info("x"), k * 0.5, 50, 1.0))
        proc.process(_chunk(_info("y"), k * 0.5, 50, 2.0))
    labels = sorted(e.text for e in proc.flush() if isinstance(e, Marker))
    assert labels == ["x:150", "y:300"]


def test_gap_closes_the_state_and_opens_a_new_one() -> None:
    proc = _Summer()
    out = list(proc.process(_chunk(_info(), 0.0, 100)))
    out += proc.process(_chunk(_info(), 1.0, 100))  # contiguous
    assert out == []
    out = list(proc.process(_chunk(_info(), 2.0 + GAP_RESET + 0.01, 100)))  # a gap
    assert [e.text for e in out if isinstance(e, Marker)] == ["s:200"]
    assert [c.t0 for c in proc.closed] == [0.0]
    proc.flush()
    assert proc.closed[-1].t0 == pytest.approx(2.0 + GAP_RESET + 0.01)


def test_blocks_of_at_most_block_duration() -> None:
    proc = _BlockSummer()
    proc.process(_chunk(_info(), 0.0, 130))
    proc.flush()
    assert proc.closed[0].blocks == [25, 25, 25, 25, 25, 5]
    whole = _Summer()
    whole.process(_chunk(_info(), 0.0, 130))
    whole.flush()
    assert whole.closed[0].blocks == [130]


def test_irregular_and_string_streams_are_skipped_with_one_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    proc = _Summer()
    markers = StreamInfo(name="m", type="MARKERS", channels=("x",), rate=0.0, dtype="string")
    chunk = Chunk(data=np.array([["a"], ["b"]]), timestamps=np.array([0.0, 1.0]), info=markers)
    with caplog.at_level(logging.WARNING):
        assert list(proc.process(chunk)) == []
        assert list(proc.process(chunk)) == []
    assert sum("not regularly sampled" in r.message for r in caplog.records) == 1
    assert list(proc.flush()) == []


def test_stream_checks_at_start() -> None:
    ctx = Context(name="s", clock=VirtualClock(), inputs=(_info(rate=5.0),))
    with pytest.raises(ConfigError, match="at least 10 Hz"):
        _Summer().start(ctx)
    irregular = StreamInfo(name="r", type="ECG", channels=("a",), rate=0.0)
    with pytest.raises(ConfigError, match="no nominal rate"):
        _Summer().start(Context(name="s", clock=VirtualClock(), inputs=(irregular,)))
    with pytest.raises(ConfigError, match="its channels are a, b"):
        _Summer(channel="c").start(Context(name="s", clock=VirtualClock(), inputs=(_info(),)))
    _Summer(channel="-1").start(Context(name="s", clock=VirtualClock(), inputs=(_info(),)))
