"""Clocks: virtual start parsing, real clock UTC offset, agreement with pylsl."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from heartmind import ConfigError, RealClock, VirtualClock, local_clock
from heartmind.clock import iso_utc, parse_utc

EPOCH_2026_11_24_09 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC).timestamp()


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-24T09:00:00Z",
        "2026-11-24T10:00:00+01:00",
        "2026-11-24T04:00:00-05:00",
        "2026-11-24T09:00:00",  # naive = UTC
        " 2026-11-24 09:00:00+00:00 ",
    ],
)
def test_virtual_clock_start_parsing(text: str) -> None:
    clock = VirtualClock(text)
    assert clock.utc_offset == EPOCH_2026_11_24_09
    assert clock.virtual
    assert clock.now() == 0.0
    assert clock.iso(0.0) == "2026-11-24T09:00:00.000000Z"
    assert clock.iso(1.25) == "2026-11-24T09:00:01.250000Z"


def test_virtual_clock_numeric_start() -> None:
    assert VirtualClock(EPOCH_2026_11_24_09).iso(0.5) == "2026-11-24T09:00:00.500000Z"


@pytest.mark.parametrize("text", ["yesterday", "2026-13-01T00:00:00Z", ""])
def test_bad_iso_is_a_config_error(text: str) -> None:
    with pytest.raises(ConfigError, match=r"is not an ISO 8601 date-time"):
        VirtualClock(text)


def test_virtual_clock_never_moves_back() -> None:
    clock = VirtualClock()
    clock.advance(2.0)
    clock.advance(1.0)
    assert clock.now() == 2.0


def test_iso_and_parse_are_inverse() -> None:
    t = EPOCH_2026_11_24_09 + 0.123456
    assert parse_utc(iso_utc(t)) == pytest.approx(t, abs=1e-6)


def test_real_clock_utc_offset_matches_wall_clock() -> None:
    clock = RealClock()
    assert not clock.virtual
    for _ in range(3):
        wall = time.time()
        assert clock.to_utc(clock.now()) == pytest.approx(wall, abs=0.005)
    iso = clock.iso(clock.now())
    assert iso.endswith("Z")
    assert abs(parse_utc(iso) - time.time()) < 0.01


def test_local_clock_is_monotonic() -> None:
    readings = [local_clock() for _ in range(100)]
    assert readings == sorted(readings)


def test_local_clock_matches_pylsl() -> None:
    pylsl = pytest.importorskip("pylsl")
    a = local_clock()
    b = pylsl.local_clock()
    c = local_clock()
    assert a <= b + 1e-3
    assert b <= c + 1e-3
    assert abs(b - a) < 1e-3
