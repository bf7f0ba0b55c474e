"""The ``calendar`` processor in a virtual-clock session, fed by a generated Stress sensor."""

from __future__ import annotations

from pathlib import Path

from calendar_testkit import SAMPLE

from heartmind import Session
from heartmind.components import Output, Sensor
from heartmind.events import CalendarChange, Stress
from heartmind.streams import StreamInfo


class StressSensor(Sensor):
    """Emits a Stress event every 60 s: high for 2.5 h, then calm."""

    live = False

    def __init__(self, n: int = 200) -> None:
        self.i, self.n = 0, n

    @property
    def streams(self) -> tuple[StreamInfo, ...]:
        return ()

    def read(self, timeout: float) -> Output | None:
        if self.i >= self.n:
            return None
        t, self.i = 60.0 * self.i, self.i + 1
        return Stress(timestamp=t, level=0.85 if t < 9000 else 0.3, source="stress-sim")

    @property
    def finished(self) -> bool:
        return self.i >= self.n


def run(ics: Path, apply: bool) -> list[CalendarChange]:
    session = Session(clock="virtual", start="2026-11-24T09:00:00Z", seed=1)
    session.add_sensor(StressSensor(), name="stress")
    session.add_processor(
        "calendar", name="calendar", ics=str(ics), apply=apply, me=["you@example.org"]
    )
    got: list[CalendarChange] = []
    session.subscribe("calendar_change", got.append)
    session.run()
    return got


def test_live_processor_proposes_then_applies(sample_ics: Path) -> None:
    proposed = run(sample_ics, apply=False)
    assert {c.action for c in proposed} == {"move", "insert_break"}  # the meeting started
    move = next(c for c in proposed if c.action == "move")
    assert move.uid == "code-review-2026@example.org" and not move.applied
    assert move.new_start == "2026-11-24T16:00:00Z" and move.reason
    assert all(c.time for c in proposed)
    assert sample_ics.read_bytes() == SAMPLE.read_bytes()  # proposals only

    applied = run(sample_ics, apply=True)
    assert [c.applied for c in applied if c.action != "suggest"] == [True, True]
    assert b"RECURRENCE-ID;TZID=Europe/Berlin:20261124T110000" in sample_ics.read_bytes()
    undo = Path(f"{sample_ics}.undo.json")
    assert undo.exists()


def test_calendar_change_events_name_the_event_and_instance() -> None:
    from heartmind.adapters.calendar._processor import CalendarProcessor
    from heartmind.adapters.calendar.api import Change

    change = Change(
        action="move",
        uid="u1",
        summary="Focus",
        reason="stress high",
        recurrence_id="2026-11-24T10:00:00Z",
    )
    event = CalendarProcessor._event(None, change, 5.0, applied=False)  # type: ignore[arg-type]
    assert (event.summary, event.recurrence_id) == ("Focus", "2026-11-24T10:00:00Z")
