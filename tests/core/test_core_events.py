"""Events: JSON round trips, range checks, plugin-defined types and the topic registry."""

from __future__ import annotations

import json
import math
from dataclasses import FrozenInstanceError, dataclass
from typing import ClassVar

import pytest

import heartmind
from heartmind import (
    HRV,
    CalendarChange,
    Dropped,
    Emotion,
    Event,
    EventError,
    Gap,
    HeartBeat,
    HeartRate,
    Marker,
    SignalQuality,
    Stress,
    event_from_dict,
    event_from_json,
    event_types,
    quantity,
)
from heartmind.events import SCHEMA_VERSION

T = "2026-11-24T09:00:01.500000Z"

CORE_EVENTS: list[Event] = [
    HeartBeat(timestamp=1.5, time=T, source="hr", rr=0.8, stream="ecg", ectopic=True),
    HeartRate(timestamp=1.5, time=T, source="hr", bpm=72.5, window=10.0, stream="ecg"),
    HRV(
        timestamp=1.5,
        time=T,
        window=300.0,
        n_beats=350,
        n_corrected=2,
        mean_nn=850.0,
        sdnn=45.1,
        rmssd=38.2,
        pnn50=12.5,
        sd1=27.0,
        sd2=55.0,
        lf=900.0,
        hf=700.0,
        lf_hf=1.2857,
        stress_index=110.0,
    ),
    SignalQuality(timestamp=1.5, stream="ecg", window=5.0, quality=0.93, snr_db=-3.5),
    Emotion(
        timestamp=1.5,
        valence=-0.25,
        arousal=0.5,
        dominance=0.0,
        confidence=0.8,
        model="vad-hr",
        model_version="1",
        modality="heart",
    ),
    Stress(timestamp=1.5, level=0.7, label="high", confidence=0.6, modality="eda"),
    Marker(timestamp=1.5, text="stimulus ✓ onset", stream="markers"),
    Gap(timestamp=1.5, stream="ecg", start=1.0, end=1.4, n_lost=100, reason="outlet gone"),
    Dropped(timestamp=1.5, where="subscriber:slow", chunks=3, samples=30, events=2),
    CalendarChange(
        timestamp=1.5,
        uid="abc@heartmind",
        action="move",
        old_start="2026-11-24T10:00:00Z",
        old_end="2026-11-24T11:00:00Z",
        new_start="2026-11-24T10:30:00Z",
        new_end="2026-11-24T11:30:00Z",
        reason="stress high",
        applied=True,
    ),
]


@pytest.mark.parametrize("event", CORE_EVENTS, ids=lambda e: type(e).__name__)
def test_round_trip_through_json(event: Event) -> None:
    line = event.to_json()
    assert "\n" not in line
    back = event_from_json(line)
    assert type(back) is type(event)
    assert back == event
    assert back.to_json() == line


@pytest.mark.parametrize("event", CORE_EVENTS, ids=lambda e: type(e).__name__)
def test_json_layout(event: Event) -> None:
    data = json.loads(event.to_json())
    assert data["topic"] == event.topic
    assert data["topic"] == data["topic"].lower()
    assert data["topic"].replace("_", "").isalpha()
    assert data["schema_version"] == SCHEMA_VERSION
    assert data["timestamp"] == 1.5
    assert "time" in data
    assert "source" in data
    assert event_from_dict(data) == event


def test_every_core_topic_is_registered_and_exported() -> None:
    topics = {type(e).topic: type(e) for e in CORE_EVENTS}
    assert set(topics) == {
        "heart_beat",
        "heart_rate",
        "hrv",
        "signal_quality",
        "emotion",
        "stress",
        "marker",
        "gap",
        "dropped",
        "calendar_change",
    }
    registered = event_types()
    for topic, cls in topics.items():
        assert registered[topic] is cls
        assert cls.__name__ in heartmind.__all__


def test_events_are_frozen() -> None:
    ev = HeartRate(timestamp=0.0, bpm=60.0)
    with pytest.raises(FrozenInstanceError):
        ev.bpm = 70.0  # type: ignore[misc]


def test_optional_none_values_round_trip() -> None:
    ev = HRV(timestamp=0.0, window=60.0, n_beats=60, mean_nn=1000, sdnn=1, rmssd=1, pnn50=0)
    data = json.loads(ev.to_json())
    assert data["lf"] is None and data["sd1"] is None
    assert event_from_json(ev.to_json()) == ev


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (
            lambda: Emotion(timestamp=0, valence=1.5, arousal=0, dominance=0, confidence=1),
            "valence",
        ),
        (
            lambda: Emotion(timestamp=0, valence=0, arousal=0, dominance=0, confidence=-0.1),
            "confidence",
        ),
        (lambda: Stress(timestamp=0, level=2), "level"),
        (lambda: HeartRate(timestamp=0, bpm=5), "bpm"),
        (lambda: HeartRate(timestamp=0, bpm=301), "bpm"),
        (lambda: HeartBeat(timestamp=0, rr=0.05), "rr"),
        (lambda: SignalQuality(timestamp=0, window=1, quality=1.01), "quality"),
        (
            lambda: HRV(timestamp=0, window=1, n_beats=-1, mean_nn=1, sdnn=1, rmssd=1, pnn50=0),
            "n_beats",
        ),
        (lambda: Dropped(timestamp=0, where="x", chunks=-1), "chunks"),
    ],
)
def test_out_of_range_names_the_field(build: object, field: str) -> None:
    with pytest.raises(EventError, match=rf"\.{field} = .* is outside its range"):
        build()  # type: ignore[operator]


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_values_rejected(bad: float) -> None:
    with pytest.raises(EventError, match=r"heart_rate\.bpm is .*must be finite"):
        HeartRate(timestamp=0, bpm=bad)
    with pytest.raises(EventError, match=r"emotion\.arousal"):
        Emotion(timestamp=0, valence=0, arousal=bad, dominance=0, confidence=1)
    with pytest.raises(EventError, match=r"marker\.timestamp"):
        Marker(timestamp=bad, text="x")


def test_range_bounds_are_inclusive() -> None:
    Emotion(timestamp=0, valence=-1.0, arousal=1.0, dominance=1.0, confidence=0.0)
    HeartRate(timestamp=0, bpm=20.0)
    Stress(timestamp=0, level=1.0)


def test_out_of_range_in_json_is_rejected() -> None:
    line = HeartRate(timestamp=0, bpm=60).to_json().replace('"bpm":60', '"bpm":500')
    with pytest.raises(EventError, match=r"heart_rate\.bpm = 500"):
        event_from_json(line)


# ---------------------------------------------------------------- parsing errors


def test_unknown_topic_is_a_clear_error() -> None:
    with pytest.raises(EventError, match=r"unknown event topic 'nope'; known topics: .*heart_rate"):
        event_from_json('{"topic": "nope", "timestamp": 0}')


def test_unknown_field_is_named() -> None:
    with pytest.raises(EventError, match=r"heart_rate events have no field 'pulse'"):
        event_from_dict({"topic": "heart_rate", "timestamp": 0, "bpm": 60, "pulse": 1})


def test_missing_required_field() -> None:
    with pytest.raises(EventError, match=r"cannot build a heart_rate event"):
        event_from_dict({"topic": "heart_rate", "timestamp": 0})


def test_other_schema_version_rejected() -> None:
    with pytest.raises(EventError, match=r"schema_version 99 is not supported"):
        event_from_dict({"topic": "marker", "schema_version": 99, "timestamp": 0, "text": "x"})


@pytest.mark.parametrize("line", ["not json", "[1, 2]", '"x"'])
def test_non_object_lines(line: str) -> None:
    with pytest.raises(EventError):
        event_from_json(line)


# ---------------------------------------------------------------- plugin-defined events


@dataclass(frozen=True, kw_only=True)
class Blink(Event):
    """A plugin-defined event type, registered by subclassing."""

    topic: ClassVar[str] = "core_test_blink"
    duration: float = quantity("s", 0.0, 2.0, "closure duration")
    eye: str = quantity(doc="left, right or both", default="both")
    side: tuple[str, ...] = quantity(doc="labels", default=())


def test_plugin_event_registers_and_round_trips() -> None:
    assert event_types()["core_test_blink"] is Blink
    ev = Blink(timestamp=3.0, duration=0.2, eye="left", side=("l", "r"))
    data = json.loads(ev.to_json())
    assert data["topic"] == "core_test_blink"
    assert data["side"] == ["l", "r"]
    assert event_from_json(ev.to_json()) == ev
    with pytest.raises(EventError, match=r"core_test_blink\.duration = 3"):
        Blink(timestamp=0, duration=3.0)


def test_plugin_event_schema_lists_units_and_ranges() -> None:
    rows = {r["name"]: r for r in Blink.schema()}
    assert rows["duration"]["unit"] == "s"
    assert rows["duration"]["range"] == [0.0, 2.0]
    assert rows["duration"]["required"] is True
    assert rows["eye"]["required"] is False


def test_second_class_claiming_a_topic_names_both() -> None:
    with pytest.raises(EventError) as info:

        @dataclass(frozen=True, kw_only=True)
        class MyRate(Event):
            topic: ClassVar[str] = "heart_rate"
            bpm: float = 0.0

    msg = str(info.value)
    assert "'heart_rate' is declared twice" in msg
    assert "heartmind.events.HeartRate" in msg
    assert "MyRate" in msg
    assert event_types()["heart_rate"] is HeartRate


def test_topic_must_be_snake_case() -> None:
    with pytest.raises(EventError, match=r"must be snake_case"):

        @dataclass(frozen=True, kw_only=True)
        class Bad(Event):
            topic: ClassVar[str] = "CoreTestBad"

    assert "CoreTestBad" not in event_types()
