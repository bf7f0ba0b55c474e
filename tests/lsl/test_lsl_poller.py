"""InletPoller (one thread reads many inlets) with fake members: no LSL needed."""

from __future__ import annotations

import threading
import time

import pytest

from heartmind.plugins.lsl._inlet_poller import InletPoller, Service

pytestmark = pytest.mark.timeout(30)


class _Member:
    """A fake stream: answers ``script`` in turn, then IDLE; records what happened."""

    def __init__(self, name: str, script: list[Service | Exception], log: list[str]) -> None:
        self.name = name
        self.script = list(script)
        self.log = log
        self.served = 0
        self.finished = threading.Event()
        self.detached = threading.Event()

    def service(self) -> Service:
        self.served += 1
        self.log.append(f"serve {self.name}")
        what = self.script.pop(0) if self.script else Service.IDLE
        if isinstance(what, Exception):
            raise what
        return what

    def finish(self) -> None:
        self.log.append(f"finish {self.name}")
        self.finished.set()

    def detach(self) -> None:
        self.log.append(f"detach {self.name}")
        self.detached.set()


class _Harness:
    def __init__(self, interval: float = 0.05) -> None:
        self.stopping, self.woken, self.reading = (threading.Event() for _ in range(3))
        self.draining = False
        self.log: list[str] = []
        self.poller = InletPoller(
            interval=interval,
            stopping=self.stopping,
            woken=self.woken,
            reading=self.reading,
            draining=lambda: self.draining,
            deliver=lambda: self.log.append("deliver"),
        )

    def stop(self) -> None:
        self.stopping.set()
        self.woken.set()
        self.poller.thread.join(5.0)
        assert not self.poller.thread.is_alive()


def _wait(cond: threading.Event | None = None, until: float = 3.0) -> None:
    assert cond is not None and cond.wait(until)


def test_rejects_a_non_positive_interval() -> None:
    with pytest.raises(ValueError, match="> 0"):
        InletPoller(
            interval=0.0,
            stopping=threading.Event(),
            woken=threading.Event(),
            reading=threading.Event(),
            draining=lambda: False,
            deliver=lambda: None,
        )


def test_reads_nothing_before_the_session_reads() -> None:
    h = _Harness()
    member = _Member("a", [], h.log)
    h.poller.start()
    try:
        assert h.poller.add(member)
        time.sleep(0.2)
        assert member.served == 0
        h.reading.set()
        deadline = time.monotonic() + 3.0
        while member.served == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert member.served >= 1
    finally:
        h.stop()
    assert member.finished.is_set()  # the poller closes what it holds when it ends


def test_a_full_chunk_is_read_again_at_once_and_the_others_wait_for_the_interval() -> None:
    h = _Harness(interval=10.0)  # only the first round is due during the test
    busy = _Member("busy", [Service.MORE] * 5, h.log)
    quiet = _Member("quiet", [], h.log)
    h.poller.add(busy)
    h.poller.add(quiet)
    h.reading.set()
    h.poller.start()
    try:
        deadline = time.monotonic() + 3.0
        while busy.served < 6 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        h.stop()
    assert busy.served == 6 and quiet.served == 1
    assert h.log.count("deliver") >= 6  # every round hands its items over


def test_ended_members_are_removed_after_their_items_were_delivered() -> None:
    h = _Harness()
    done = _Member("done", [Service.DONE], h.log)
    lost = _Member("lost", [Service.DETACH], h.log)
    broken = _Member("broken", [RuntimeError("boom")], h.log)
    for m in (done, lost, broken):
        h.poller.add(m)
    h.reading.set()
    h.poller.start()
    try:
        _wait(done.finished)
        _wait(lost.detached)
        _wait(broken.finished)
        assert h.poller.members == ()
    finally:
        h.stop()
    first_deliver = h.log.index("deliver")
    for event in ("finish done", "detach lost", "finish broken"):
        assert h.log.index(event) > first_deliver
    assert not lost.finished.is_set()  # a detached member closes itself, not the poller


def test_add_after_the_end_is_refused() -> None:
    h = _Harness()
    h.reading.set()
    h.poller.start()
    h.stop()
    assert not h.poller.add(_Member("late", [], h.log))


def test_draining_goes_round_quickly() -> None:
    h = _Harness(interval=10.0)
    member = _Member("a", [], h.log)
    h.poller.add(member)
    h.reading.set()
    h.poller.start()
    try:
        time.sleep(0.1)
        assert member.served == 1
        h.draining = True
        h.woken.set()
        time.sleep(0.3)
    finally:
        h.stop()
    assert member.served >= 5  # every 20 ms, not every 10 s
