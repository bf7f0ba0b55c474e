"""``check_plan`` finds every kind of violation on hand-broken plans and calendars."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from calendar_testkit import ME, NOW, SAMPLE, high_morning, run_plan

from heartmind.adapters.calendar.api import Change, Item, PolicyOptions, WorkingHours, check_plan

T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # Monday 10:00, the planning moment
HORIZON = T0 + timedelta(hours=26)  # Tuesday 12:00
OPTS = PolicyOptions(working_hours=WorkingHours.parse("09:00-18:00", tz=UTC))


def at(hour: float, day: int = 0) -> datetime:
    return T0.replace(hour=0) + timedelta(days=day, hours=hour)


ITEMS = [
    Item("work", at(10.5), at(11.5), summary="Work", movable=True, deadline=at(17)),
    Item("fixed", at(12), at(13), summary="Fixed"),
    Item("meet", at(13), at(14), summary="Meet", movable=True, attendees=("a@x",)),
    Item("started", at(9.5), at(10.5), summary="Started", movable=True, busy=False),
    Item("low", at(14), at(15), summary="Low", movable=True, demand="low"),
    Item("allday", at(0), at(24), summary="Allday", movable=True, all_day=True, busy=False),
    Item("oldbreak", at(9), at(9.25), summary="Old break", is_break=True, movable=True),
]
BY_UID = {it.uid: it for it in ITEMS}


def move(uid: str, start: datetime, end: datetime, **kw: str) -> Change:
    it = BY_UID.get(uid)
    old = {"old_start": it.start, "old_end": it.end} if it else {}
    fields = {"summary": it.summary if it else uid, "reason": "stress", **kw}
    return Change("move", uid, new_start=start, new_end=end, **old, **fields)  # type: ignore[arg-type]


BREAK = Change("insert_break", "brk", "Break", "stress", new_start=at(11.5), new_end=at(11.75))
GOOD = [move("work", at(15), at(16)), BREAK, Change("suggest", "meet", "Meet", "ask them")]


def check(changes: list[Change], after: list[Item] | None = None) -> list[str]:
    return check_plan(ITEMS, changes, now=T0, horizon_end=HORIZON, options=OPTS, after=after)


def test_a_good_plan_passes_alone_and_against_its_result() -> None:
    assert check(GOOD) == []
    moved = replace(BY_UID["work"], start=at(15), end=at(16))
    brk = Item("brk", at(11.5), at(11.75), summary="Break", is_break=True)
    after = [moved if it.uid == "work" else it for it in ITEMS] + [brk]
    assert check(GOOD, after) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (move("work", at(9.5), at(10.5)), "'Work' placed in the past"),
        (move("work", at(11.5, 1), at(12.5, 1)), "'Work' placed beyond the horizon"),
        (move("work", at(19), at(20)), "'Work' placed outside working hours"),
        (move("work", at(12.5), at(13.5)), "'Work' overlaps 'Fixed'"),
        (move("work", at(16.5), at(17.5)), "'Work' now ends after its deadline"),
        (move("work", at(15), at(15.5)), "'Work' changed its length"),
        (move("fixed", at(15), at(16)), "'Fixed' is fixed (or a meeting) but was moved"),
        (move("meet", at(15), at(16)), "'Meet' is fixed (or a meeting) but was moved"),
        (move("low", at(15), at(16)), "'Low' is fixed (or a meeting) but was moved"),
        (move("allday", at(15), at(16)), "'Allday' is fixed (or a meeting) but was moved"),
        (move("oldbreak", at(15), at(15.25)), "'Old break' is fixed (or a meeting)"),
        (move("started", at(15), at(16)), "'Started' had already started but was moved"),
        (move("ghost", at(15), at(16)), "'ghost': moved but not in the calendar"),
        (move("work", at(15), at(16), reason=""), "'Work': the reason is not one line"),
        (move("work", at(15), at(16), reason="a\nb"), "'Work': the reason is not one line"),
        (replace(BREAK, uid="fixed"), "inserted with the key of an existing event"),
        (replace(BREAK, action="delete"), "unknown action 'delete'"),
        (replace(BREAK, new_end=None), "'Break': insert_break without new times"),
    ],
)
def test_each_broken_change_is_reported(change: Change, expected: str) -> None:
    problems = check([change])
    assert any(expected in p for p in problems), problems


def test_a_transparent_move_must_not_overlap_busy_time_either() -> None:
    placed = move("work", at(15), at(16))
    onto = replace(placed, uid="started", summary="Started")  # transparent, onto 'Work'
    assert "'Started' overlaps 'Work'" in check([placed, onto])


def test_an_occurrence_changed_twice_is_reported() -> None:
    twice = [move("work", at(15), at(16)), move("work", at(16), at(17))]
    assert "'Work' changed more than once in one plan" in check(twice)


def test_the_result_must_match_the_plan() -> None:
    moved = replace(BY_UID["work"], start=at(15), end=at(16))
    rest = [it for it in ITEMS if it.uid not in ("work", "fixed")]
    stray = Item("stray", at(16), at(17), summary="Stray")
    fixed = BY_UID["fixed"]
    cases = [
        ([*rest, fixed, moved], "'Break': planned but missing from the calendar"),
        ([*rest, moved, replace(fixed, start=at(12.5))], "'Fixed' changed without a planned"),
        ([*rest, moved], "'Fixed' disappeared from the proposed calendar"),
        ([*rest, fixed, moved, stray], "'Stray' appeared without a planned change"),
        ([*rest, fixed, replace(moved, start=at(14.5))], "'Work' is not at the planned time"),
        (
            [*rest, fixed, moved, Item("brk", at(11.5), at(11.75), summary="Break")],
            "'Break' inserted but not a recovery break",
        ),
    ]
    for after, expected in cases:
        problems = check([GOOD[0], BREAK], after)
        assert any(expected in p for p in problems), (expected, problems)


def test_calendars_as_bytes_are_read_and_checked() -> None:
    """On the bundled sample: the engine's plan passes; a fixed event moved by hand, or work
    placed at night, fail."""
    result = run_plan(SAMPLE.read_bytes(), high_morning())
    assert any(c.action == "move" for c in result.plan.changes)
    original = SAMPLE.read_bytes()

    def audit(after: bytes) -> list[str]:
        end = NOW + timedelta(days=2)
        opts = result.options
        return check_plan(
            original, result.plan, after=after, now=NOW, horizon_end=end, options=opts, me=ME
        )

    assert audit(result.data) == []
    lunch = result.data.replace(b"20261124T121500", b"20261124T123000")
    night = result.data.replace(b"20261124T170000", b"20261124T200000").replace(
        b"20261124T180000", b"20261124T210000"
    )
    for broken, expected in ((lunch, "'Lunch' changed"), (night, "outside working hours")):
        problems = audit(broken)
        assert any(expected in v for v in problems), (expected, problems)
