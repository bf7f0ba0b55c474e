"""Stress timelines: reading ``Stress`` events from JSONL, and hysteresis into periods."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from heartmind.errors import ConfigError

from ._types import Period, PolicyOptions

__all__ = ["Sample", "high_periods", "parse_time", "read_stress_jsonl"]

#: One point of a stress timeline: (aware UTC datetime, level 0-1).
Sample = tuple[datetime, float]


def parse_time(text: str, where: str) -> datetime:
    """Parse an ISO 8601 instant; a time without an offset is taken as UTC.

    Raises
    ------
    ConfigError
        If ``text`` is not ISO 8601.
    """
    try:
        moment = datetime.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise ConfigError(
            f"{where}: {text!r} is not an ISO 8601 time; write e.g. 2026-11-24T10:00:00Z."
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def read_stress_jsonl(path: str | Path) -> list[Sample]:
    """Read ``Stress`` events from a JSON-lines file as the SDK writes them.

    One object per line; lines whose ``topic`` is not ``"stress"`` are ignored. Each stress
    line needs ``time`` (ISO 8601) and ``level`` (0-1).

    Returns
    -------
    list of (datetime, float)
        Samples sorted by time (aware datetimes, UTC).

    Raises
    ------
    ConfigError
        If the file is missing or a stress line is malformed (names the line).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read stress file {path}: {exc.strerror}.") from None
    samples: list[Sample] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ConfigError(
                f"{where}: not a JSON object ({exc.msg}); the file must hold one event per "
                "line, as written by the jsonl consumer."
            ) from None
        if not isinstance(data, dict) or data.get("topic") != "stress":
            continue
        samples.append(_sample(data, where))
    return sorted(samples, key=lambda s: s[0])


def _sample(data: dict[str, object], where: str) -> Sample:
    level = data.get("level")
    if isinstance(level, bool) or not isinstance(level, int | float) or not 0 <= level <= 1:
        raise ConfigError(f"{where}: stress level {level!r} must be a number from 0 to 1.")
    moment = data.get("time")
    if not isinstance(moment, str) or not moment:
        raise ConfigError(
            f"{where}: stress event without 'time'; record sessions with a clock that "
            "fills it (every event written by heartmind has one)."
        )
    return parse_time(moment, where).astimezone(UTC), float(level)


def high_periods(samples: Iterable[Sample], options: PolicyOptions) -> list[Period]:
    """Periods of sustained high stress, with hysteresis.

    A period starts at the first sample above ``options.enter`` once the level has stayed
    above it for at least ``options.min_high``; it ends at the first sample below
    ``options.leave``. A period still open at the last sample is ``ongoing`` and is assumed
    to last ``options.lookahead`` beyond it.

    Parameters
    ----------
    samples
        ``(time, level)`` pairs in time order.
    options
        Thresholds (level 0-1) and durations.
    """
    periods: list[Period] = []
    candidate: datetime | None = None
    opened: datetime | None = None
    peak = 0.0
    last: datetime | None = None
    for moment, level in samples:
        last = moment
        if opened is None:
            if level > options.enter:
                candidate = candidate or moment
                peak = max(peak, level)
                if moment - candidate >= options.min_high:
                    opened = candidate
            else:
                candidate, peak = None, 0.0
        elif level < options.leave:
            periods.append(Period(opened, moment, peak))
            opened, candidate, peak = None, None, 0.0
        else:
            peak = max(peak, level)
    if opened is not None and last is not None:
        periods.append(Period(opened, last + options.lookahead, peak, ongoing=True))
    return periods


def merge(periods: Sequence[Period]) -> list[Period]:
    """Periods sorted, with overlapping ones merged."""
    out: list[Period] = []
    for p in sorted(periods, key=lambda p: p.start):
        if out and p.start <= out[-1].end:
            q = out[-1]
            out[-1] = Period(q.start, max(q.end, p.end), max(q.peak, p.peak), p.ongoing)
        else:
            out.append(p)
    return out
