"""The one bounded mailbox: drop-oldest counting, back-pressure, markers, closing."""

from __future__ import annotations

import threading
import time

import numpy as np

from heartmind import Chunk, HeartRate, StreamInfo
from heartmind.mailbox import EMPTY, FlowStats, Mailbox

INFO = StreamInfo("s", "ECG", ("x",), rate=100.0)


def chunk(k: int, n: int = 3) -> Chunk:
    return Chunk(np.full((n, 1), float(k)), np.arange(n) / 100.0 + k, INFO)


def event(k: int) -> HeartRate:
    return HeartRate(timestamp=float(k), bpm=60.0 + k)


def test_a_full_mailbox_drops_its_oldest_items_and_counts_them() -> None:
    box: Mailbox[object] = Mailbox(2)
    for k in range(5):
        box.put(chunk(k))
    box.put(event(9))
    kept = [box.get_nowait(), box.get_nowait()]
    assert [int(kept[0].data[0, 0]), kept[1].bpm] == [4, 69.0]  # type: ignore[union-attr]
    assert box.get_nowait() is EMPTY
    assert box.stats.dropped == (4, 12, 0)  # chunks 0-3, three samples each


def test_markers_are_never_dropped_nor_counted() -> None:
    stats = FlowStats()
    box: Mailbox[object] = Mailbox(1, stats)
    end = object()
    box.put(event(1))
    box.put_marker(end)
    box.put(event(2))  # full: drops event 1, keeps the marker first
    assert box.get_nowait() is end
    assert box.get_nowait().bpm == 62.0  # type: ignore[union-attr]
    assert stats.dropped_events == 1


def test_blocking_mailbox_waits_for_room_instead_of_dropping() -> None:
    box: Mailbox[int] = Mailbox(2, block=True)
    done = threading.Event()

    def writer() -> None:
        for k in range(6):
            box.put(k)
        done.set()

    threading.Thread(target=writer, daemon=True).start()
    got = []
    while len(got) < 6:
        item = box.get(timeout=5)
        assert item is not EMPTY
        got.append(item)
        time.sleep(0.005)  # a slow reader
    assert done.wait(5)
    assert got == list(range(6))
    assert box.stats.dropped == (0, 0, 0)


def test_closing_wakes_a_blocked_writer_and_the_reader_gets_the_rest() -> None:
    box: Mailbox[int] = Mailbox(1, block=True)
    box.put(1)
    result: list[bool] = []
    writer = threading.Thread(target=lambda: result.append(box.put(2)), daemon=True)
    writer.start()
    time.sleep(0.05)
    assert writer.is_alive()  # waiting for room
    box.close()
    writer.join(5)
    assert result == [False]  # discarded: the mailbox is closed
    assert box.get(timeout=0) == 1
    assert box.get(timeout=None) is EMPTY  # closed and empty: no waiting


def test_get_times_out_and_drop_all_counts_the_rest() -> None:
    box: Mailbox[object] = Mailbox(10)
    t0 = time.monotonic()
    assert box.get(timeout=0.05) is EMPTY
    assert time.monotonic() - t0 >= 0.04
    box.put(chunk(1, n=4))
    box.put(event(2))
    box.put_marker("end")
    assert box.drop_all() == 2
    assert box.stats.dropped == (1, 4, 1)
    assert box.get_nowait() == "end"


def test_flow_stats_views_keep_the_session_keys() -> None:
    stats = FlowStats()
    stats.count(chunk(0, n=5))
    stats.count(event(1))
    assert stats.count_error(OSError("unplugged")) == 1
    assert stats.sensor_dict() == {
        "chunks": 1,
        "samples": 5,
        "events": 1,
        "dropped_chunks": 0,
        "dropped_samples": 0,
        "dropped_events": 0,
        "read_errors": 1,
        "last_error": "OSError: unplugged",
    }
    assert set(stats.subscriber_dict()) == {
        "delivered",
        "dropped_events",
        "dropped_chunks",
        "dropped_samples",
        "errors",
        "last_error",
    }
