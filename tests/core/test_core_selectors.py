"""The one selector grammar (heartmind.selectors): every form, its errors and its matching."""

from __future__ import annotations

import numpy as np
import pytest

from heartmind import Chunk, ConfigError, HeartRate, StreamInfo
from heartmind.selectors import (
    Selector,
    parse_input,
    parse_many,
    parse_selector,
    parse_stream,
    parse_topic,
)
from heartmind.suggest import closest, did_you_mean

ECG = StreamInfo("sim-ECG", "ECG", ("ECG",), "mV", 500.0)
PPG = StreamInfo("sim-PPG", "PPG", ("PPG",), "a.u.", 100.0)


def chunk(info: StreamInfo) -> Chunk:
    return Chunk(np.zeros((2, 1)), np.array([0.0, 0.01]), info)


def rate(source: str) -> HeartRate:
    return HeartRate(timestamp=1.0, bpm=60.0, source=source)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("heart_rate", Selector("topic", "heart_rate")),
        ("*", Selector("topic", "*")),
        ("stress@fusion", Selector("topic", "stress", source="fusion")),
        ("stream:sim-ECG", Selector("stream", "sim-ECG")),
        ("stream:*", Selector("stream", "*")),
        ("type:ECG", Selector("stream", "*", type="ECG")),
    ],
)
def test_item_selectors_parse_and_print_back(text: str, expected: Selector) -> None:
    parsed = parse_selector(text)
    assert parsed == expected
    assert str(parsed) == text
    assert parse_selector(parsed) is parsed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("participant", Selector("input", "participant")),
        ("participant:ECG", Selector("input", "participant", type="ECG")),
        ("*", Selector("input", "*")),
        ("*:PPG", Selector("input", "*", type="PPG")),
    ],
)
def test_input_selectors(text: str, expected: Selector) -> None:
    assert parse_input(text) == expected
    assert str(parse_input(text)) == text


def test_consumer_streams_take_bare_stream_names() -> None:
    assert (
        parse_stream("sim-ECG") == parse_stream("stream:sim-ECG") == Selector("stream", "sim-ECG")
    )
    assert parse_stream("type:EEG").type == "EEG"


@pytest.mark.parametrize(
    ("parse", "text", "message"),
    [
        (parse_selector, "", "is empty"),
        (parse_selector, "stream:", "empty or blank stream name"),
        (parse_selector, "type:", "empty or blank type"),
        (parse_selector, "kind:ECG", "unknown prefix"),
        (parse_selector, "stress@", "empty or blank source"),
        (parse_selector, "@fusion", "empty or blank topic"),
        (parse_selector, "*@fusion", "gives a source for every topic"),
        (parse_selector, "heart rate", "empty or blank topic"),
        (parse_topic, "stream:x", "selects chunks, not events"),
        (parse_input, "stream:x", "selects a stream, not a component"),
        (parse_input, "sim:", "empty or blank stream type"),
        (parse_input, "stress@fusion", "is an event selector"),
    ],
)
def test_malformed_selectors_say_what_to_write(parse: object, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as info:
        parse(text, where="p.toml [processors.hr] inputs")  # type: ignore[operator]
    assert str(info.value).startswith("p.toml [processors.hr] inputs: selector")
    assert "use " in str(info.value)


def test_a_selector_of_the_wrong_kind_is_refused() -> None:
    with pytest.raises(ConfigError, match="is a processor input"):
        parse_selector(parse_input("sim"))
    with pytest.raises(ConfigError, match="is not a processor input"):
        parse_input(parse_selector("heart_rate"))
    with pytest.raises(ConfigError, match="is a int, not a string"):
        parse_selector(3)  # type: ignore[arg-type]


def test_matching_events_by_topic_and_source() -> None:
    assert parse_selector("heart_rate").matches(rate("hr"))
    assert parse_selector("*").matches(rate("hr"))
    assert parse_selector("heart_rate@hr").matches(rate("hr"))
    assert not parse_selector("heart_rate@other").matches(rate("hr"))
    assert not parse_selector("stress").matches(rate("hr"))
    assert not parse_selector("stream:*").matches(rate("hr"))


def test_matching_chunks_by_name_and_type() -> None:
    assert parse_selector("stream:*").matches(chunk(ECG))
    assert parse_selector("stream:sim-ECG").matches(chunk(ECG))
    assert not parse_selector("stream:sim-ECG").matches(chunk(PPG))
    assert parse_selector("type:PPG").matches(chunk(PPG))
    assert not parse_selector("type:PPG").matches(chunk(ECG))
    assert not parse_selector("*").matches(chunk(ECG))  # "*" is every event, not every chunk


def test_inputs_take_streams_of_a_component_and_type() -> None:
    assert parse_input("sim").takes("sim", "ECG")
    assert not parse_input("sim").takes("other", "ECG")
    assert parse_input("sim:ECG").takes("sim", "ECG")
    assert not parse_input("sim:ECG").takes("sim", "PPG")
    assert parse_input("*:PPG").takes("anyone", "PPG")
    assert not parse_selector("heart_rate").takes("sim", "ECG")


def test_parse_many_keeps_order_and_drops_duplicates() -> None:
    parsed = parse_many(["heart_rate", "stream:*", "heart_rate"])
    assert [str(s) for s in parsed] == ["heart_rate", "stream:*"]
    assert parse_many("hrv") == (Selector("topic", "hrv"),)
    assert parse_many(["a", "b:ECG"], parse_input)[1].type == "ECG"


def test_did_you_mean() -> None:
    topics = ["heart_rate", "heart_beat", "hrv", "stress"]
    assert closest("heart-rate", topics)[0] == "heart_rate"
    assert closest("Heart_Rate", topics)[0] == "heart_rate"
    assert did_you_mean("heart-rate", topics).startswith(" Did you mean 'heart_rate'")
    assert did_you_mean("zzz", topics) == ""
