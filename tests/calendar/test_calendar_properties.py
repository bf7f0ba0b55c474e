"""Property-based tests of the policy over random calendars and stress timelines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from heartmind.adapters.calendar.api import (
    Item,
    PolicyOptions,
    WorkingHours,
    check_plan,
    high_periods,
    plan,
)

DAY0 = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)  # a Monday
HOURS = WorkingHours.parse("09:00-18:00", tz=UTC)


@st.composite
def items(draw: st.DrawFn) -> list[Item]:
    out = []
    for i in range(draw(st.integers(0, 14))):
        start = DAY0 + timedelta(minutes=15 * draw(st.integers(30, 4 * 24 + 72)))
        length = timedelta(minutes=15 * draw(st.integers(1, 12)))
        deadline = None
        if draw(st.booleans()):
            deadline = start + timedelta(minutes=30 * draw(st.integers(0, 96)))
        out.append(
            Item(
                uid=f"e{i}",
                start=start,
                end=start + length,
                summary=f"event {i}",
                busy=draw(st.booleans()) or draw(st.booleans()),
                movable=draw(st.integers(0, 3)) > 0,
                demand=draw(st.sampled_from(["high", "high", "low"])),
                deadline=deadline,
                attendees=("a@x",) if draw(st.integers(0, 3)) == 0 else (),
                all_day=False,
            )
        )
    return out


runs = st.tuples(st.one_of(st.floats(0, 1), st.sampled_from([0.8, 0.95])), st.integers(1, 30))
timelines = st.lists(runs, max_size=8).map(lambda rs: [lv for lv, n in rs for _ in range(n)])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items(), timelines, st.integers(36, 72), st.integers(1, 10))
def test_plan_invariants(cal: list[Item], levels: list[float], now_q: int, step: int) -> None:
    now = DAY0 + timedelta(minutes=15 * now_q)
    samples = [
        (now - timedelta(hours=1) + timedelta(minutes=step * i), lv) for i, lv in enumerate(levels)
    ]
    opts = PolicyOptions(working_hours=HOURS)
    horizon = now + timedelta(days=2)
    periods = high_periods(samples, opts)
    result = plan(cal, periods, now=now, horizon_end=horizon, options=opts)
    again = plan(cal, periods, now=now, horizon_end=horizon, options=opts)
    assert result == again  # deterministic

    # no overlaps with anything busy, nothing in the past, working hours and horizon,
    # deadlines and lengths kept, fixed events untouched, one-line reasons, one change each
    assert check_plan(cal, result, now=now, horizon_end=horizon, options=opts) == []
    event(f"moves: {sum(c.action == 'move' for c in result.changes) > 0}")
    if not periods:
        assert result.changes == ()
