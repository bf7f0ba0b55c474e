"""Helpers shared by the calendar adapter tests."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import icalendar

from heartmind.adapters.calendar.api import (
    PlanResult,
    PolicyOptions,
    plan_calendar,
    sample_calendar,
)

SAMPLE = sample_calendar()
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # 10:00 in Berlin, Tuesday
ME = ("you@example.org",)


def stress(levels: Sequence[float], start: datetime = NOW, step_min: float = 5.0) -> list:
    """(time, level) samples every ``step_min`` minutes."""
    return [(start + timedelta(minutes=step_min * i), lv) for i, lv in enumerate(levels)]


def high_morning() -> list:
    """Level 0.85 from 10:00 to 12:30 Berlin, then calm."""
    return stress([0.85] * 30 + [0.3] * 10)


def write_jsonl(path: Path, samples: Sequence[tuple[datetime, float]]) -> Path:
    lines = [json.dumps({"topic": "heart_rate", "time": "2026-11-24T09:00:00Z", "bpm": 70.0})]
    for t, lv in samples:
        stamp = t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        lines.append(
            json.dumps(
                {
                    "topic": "stress",
                    "schema_version": 1,
                    "time": stamp,
                    "timestamp": 0.0,
                    "level": lv,
                }
            )
        )
    path.write_text("\n".join(lines) + "\n")
    return path


def run_plan(data: bytes, samples: Sequence[Any], now: datetime = NOW, **kw: Any) -> PlanResult:
    options = kw.pop("options", PolicyOptions())
    return plan_calendar(
        data,
        samples,
        now=now,
        horizon=kw.pop("horizon", timedelta(days=2)),
        options=options,
        me=kw.pop("me", ME),
        **kw,
    )


def components(data: bytes) -> dict[tuple[str, str], Any]:
    """VEVENTs by (UID, RECURRENCE-ID as ical text)."""
    cal = icalendar.Calendar.from_ical(data)
    out = {}
    for ev in cal.walk("VEVENT"):
        rid = ev.get("RECURRENCE-ID")
        out[(str(ev["UID"]), rid.to_ical().decode() if rid is not None else "")] = ev
    return out


def props(ev: Any) -> dict[str, list[bytes]]:
    """Every property as (name -> ical texts with parameters), for property-wise comparison."""
    out: dict[str, list[bytes]] = {}
    for name, value in ev.property_items(recursive=False, sorted=True):
        if name in ("BEGIN", "END"):
            continue
        params = getattr(value, "params", {})
        text = value.to_ical() if hasattr(value, "to_ical") else bytes(str(value), "utf-8")
        out.setdefault(name, []).append(text + repr(sorted(params.items())).encode())
    return out
