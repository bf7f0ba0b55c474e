"""Assertions about events, with physiological tolerances and messages that say what differs.

    from heartmind.testing import assert_events

    rates = assert_events(events, "heart_rate", count=(50, None), fields={"bpm": (55, 75)})
    assert_events(rates, fields={"bpm": 64.0}, tol={"bpm": 3.0})   # every event, ±3 bpm
    assert_events(got, expected, tol={"bpm": 0.5, "timestamp": 0.01})  # pairwise

Each failure raises ``AssertionError`` naming the event (index, topic, timestamp), the field,
the value and what was expected.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields as dataclass_fields
from typing import Any

from ..events import Event

__all__ = ["assert_events"]

Count = int | tuple[int | None, int | None]
Tolerance = float | Mapping[str, float]

#: Fields compared only when the expected event or dict sets them explicitly.
_STAMPS = ("time", "source")


def _tol(tol: Tolerance | None, name: str) -> float:
    if tol is None:
        return 0.0
    if isinstance(tol, Mapping):
        return float(tol.get(name, 0.0))
    return float(tol)


def _label(i: int, event: Event) -> str:
    return f"event {i} ({event.topic} at {event.timestamp:.3f} s from {event.source or '?'})"


def _close(actual: Any, expected: Any, atol: float, rtol: float) -> bool:
    if isinstance(expected, tuple | list) and isinstance(actual, tuple | list):
        return len(actual) == len(expected) and all(
            _close(a, e, atol, rtol) for a, e in zip(actual, expected, strict=True)
        )
    numbers = (int, float)
    if isinstance(expected, numbers) and isinstance(actual, numbers):
        if isinstance(expected, bool) or isinstance(actual, bool):
            return bool(actual == expected)
        if math.isnan(expected):
            return math.isnan(actual)
        return math.isclose(actual, expected, abs_tol=atol, rel_tol=rtol)
    return bool(actual == expected)


def _check_count(n: int, count: Count | None, what: str) -> None:
    if count is None:
        return
    lo, hi = (count, count) if isinstance(count, int) else count
    if (lo is not None and n < lo) or (hi is not None and n > hi):
        want = f"{count}" if isinstance(count, int) else f"between {lo} and {hi}"
        raise AssertionError(f"expected {want} {what}, got {n}.")


def _check_field(
    i: int, event: Event, name: str, want: Any, tol: Tolerance | None, rtol: float
) -> None:
    if not hasattr(event, name):
        raise AssertionError(f"{_label(i, event)} has no field {name!r}.")
    value = getattr(event, name)
    if isinstance(want, tuple) and len(want) == 2 and not isinstance(value, tuple | list):
        lo, hi = want
        if value is None or (lo is not None and value < lo) or (hi is not None and value > hi):
            raise AssertionError(
                f"{_label(i, event)}: {name} = {value!r}, expected in [{lo}, {hi}]."
            )
        return
    if callable(want):
        if not want(value):
            raise AssertionError(f"{_label(i, event)}: {name} = {value!r} fails {want!r}.")
        return
    atol = _tol(tol, name)
    if not _close(value, want, atol, rtol):
        margin = f" ± {atol:g}" if atol else ""
        raise AssertionError(f"{_label(i, event)}: {name} = {value!r}, expected {want!r}{margin}.")


def _check_each(
    selected: Sequence[Event],
    fields: Mapping[str, Any],
    tol: Tolerance | None,
    rtol: float,
    ordered: bool,
    within: tuple[float, float] | None,
) -> None:
    for i, event in enumerate(selected):
        for name, want in fields.items():
            _check_field(i, event, name, want, tol, rtol)
        if within is not None and not within[0] <= event.timestamp <= within[1]:
            raise AssertionError(f"{_label(i, event)} is outside [{within[0]}, {within[1]}] s.")
        if ordered and i and event.timestamp < selected[i - 1].timestamp:
            raise AssertionError(f"{_label(i, event)} comes before the event ahead of it.")


def _expected_fields(expected: Event | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(expected, Mapping):
        return dict(expected)
    out = {"topic": expected.topic}
    for f in dataclass_fields(expected):
        value = getattr(expected, f.name)
        if f.name in _STAMPS and not value:
            continue  # filled by the session: compared only when the expected one has it
        out[f.name] = value
    return out


def _compare_pairwise(
    events: Sequence[Event],
    expected: Sequence[Event | Mapping[str, Any]],
    tol: Tolerance | None,
    rtol: float,
) -> None:
    _check_count(len(events), len(expected), "events")
    for i, (event, want) in enumerate(zip(events, expected, strict=True)):
        for name, value in _expected_fields(want).items():
            if name == "topic":
                if event.topic != value:
                    raise AssertionError(f"{_label(i, event)}: expected topic {value!r}.")
                continue
            _check_field(i, event, name, value, tol, rtol)


def assert_events(
    events: Iterable[Any],
    expected: str | Sequence[Event | Mapping[str, Any]] | None = None,
    *,
    topic: str | None = None,
    source: str | None = None,
    count: Count | None = None,
    fields: Mapping[str, Any] | None = None,
    tol: Tolerance | None = None,
    rtol: float = 0.0,
    ordered: bool = True,
    within: tuple[float, float] | None = None,
) -> list[Event]:
    """Check events; return the ones selected (by ``topic``/``source``).

    Parameters
    ----------
    events
        What a run published (chunks are ignored).
    expected
        A topic (same as ``topic=``), or the expected events — :class:`Event` objects or
        dicts of field values — compared pairwise with the selected ones (their number
        must match; ``time``/``source`` only if the expected event sets them).
    topic, source
        Select the events of one topic and/or one producing component.
    count
        The number of selected events: exactly ``n``, or ``(min, max)`` (``None`` open).
    fields
        Required of *every* selected event: ``{"bpm": 72.0}`` (equal within ``tol``),
        ``{"bpm": (50, 90)}`` (within a range, inclusive), or a predicate
        ``{"quality": lambda q: q > 0.5}``.
    tol
        Absolute tolerance, one for every field or per field (``{"bpm": 2.0}``), in the
        field's unit (bpm, s, ms, …).
    rtol
        Relative tolerance of numeric fields.
    ordered
        The selected events' timestamps never go backwards.
    within
        ``(t0, t1)``: every selected timestamp lies in ``[t0, t1]`` (s).

    Raises
    ------
    AssertionError
        Naming the first event and field that differ.
    """
    if isinstance(expected, str):
        topic, expected = expected, None
    selected = [
        e
        for e in events
        if isinstance(e, Event)
        and (topic is None or e.topic == topic)
        and (source is None or e.source == source)
    ]
    what = f"{topic or 'any'} events" + (f" from {source}" if source else "")
    _check_count(len(selected), count, what)
    _check_each(selected, fields or {}, tol, rtol, ordered, within)
    if expected is not None:
        _compare_pairwise(selected, expected, tol, rtol)
    return selected
