"""What a session checks when it is built and started, and how its errors read."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import pytest
from core_testkit import GeneratedSensor, LiveSensor, RateProcessor, RecordingConsumer

import heartmind.builder
from heartmind import (
    Chunk,
    ConfigError,
    Event,
    HeartRate,
    Option,
    Pipeline,
    PluginManager,
    Processor,
    ProcessorSpec,
    SensorSpec,
    Session,
    hookimpl,
)
from heartmind.components import Output


def bare_session(**kw: Any) -> Session:
    """A session whose plugin manager has no plugins (only core topics are known)."""
    return Session(clock="virtual", plugins=PluginManager(load_entry_points=False), **kw)


# ---------------------------------------------------------------- topics


def test_subscribing_to_a_spec_name_suggests_the_topic() -> None:
    session = Session(clock="virtual")  # the installed plugins: heart-rate is a processor
    with pytest.raises(ConfigError) as info:
        session.subscribe("heart-rate", print)
    msg = str(info.value)
    assert "subscribe: no event topic 'heart-rate'. Did you mean 'heart_rate'" in msg
    assert "'heart-rate' is a processor; it publishes heart_beat, heart_rate" in msg
    assert "Known topics:" in msg and "see 'heartmind events'" in msg


def test_unknown_topics_are_errors_everywhere_they_are_given() -> None:
    session = bare_session()
    with pytest.raises(ConfigError, match=r"no event topic 'hart_rate'. Did you mean 'heart_rate'"):
        session.events("hart_rate")
    with pytest.raises(ConfigError, match=r"consumer 'rec' topics: no event topic 'strss'"):
        session.add_consumer(RecordingConsumer(), name="rec", topics=["strss"])
    with pytest.raises(ConfigError, match=r"processor 'p' events: no event topic 'hart_beat'"):
        session.add_processor(RateProcessor(), name="p", events=["hart_beat@hr"])
    with pytest.raises(ConfigError, match=r"processor 'RateProcessor' events: no event topic"):
        session.add_processor(RateProcessor(), events=["hart_beat"])  # named by its class
    assert session.dispatcher.subscribers == ()  # nothing was half-added


def test_a_plugin_topic_is_known_before_any_of_its_components_is_built() -> None:
    """In a fresh interpreter, where no plugin was imported yet: subscribing to a plugin's
    topic loads the plugins for the check, without giving the session a plugin manager."""
    import subprocess
    import sys

    code = (
        "import sys, heartmind\n"
        "s = heartmind.Session(clock='virtual')\n"
        "assert 'heartmind.plugins.physio' not in sys.modules\n"
        "for t in ('respiration_rate', 'scr', 'band_power', 'alpha_asymmetry', 'emotion'):\n"
        "    s.subscribe(t, print)\n"
        "print(s.plugins is None)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "True"


def test_a_user_event_type_is_a_known_topic() -> None:
    from dataclasses import dataclass
    from typing import ClassVar

    @dataclass(frozen=True, kw_only=True)
    class Wink(Event):
        topic: ClassVar[str] = "core_test_wink"

    bare_session().subscribe("core_test_wink", print)


def test_topic_at_source_in_subscribe_and_consumers() -> None:
    session = bare_session()
    session.add_sensor(GeneratedSensor("ecg", n_chunks=4), name="ecg")
    session.add_processor(RateProcessor(), name="a")
    session.add_processor(RateProcessor(), name="b")
    only_b: list[HeartRate] = []
    session.subscribe("heart_rate@b", only_b.append)
    rec = session.add_consumer(RecordingConsumer(), topics=["heart_rate@a"])
    session.run()
    assert [e.source for e in only_b] == ["b"] * 4
    assert [e.source for e in rec.events] == ["a"] * 4  # type: ignore[attr-defined]


# ---------------------------------------------------------------- wiring


class Echo(Processor):
    def process(self, chunk: Chunk) -> Iterable[Output]:
        return [chunk]


def test_processor_input_naming_no_component_is_an_error_at_start() -> None:
    session = bare_session()
    sensor = GeneratedSensor("ecg")
    session.add_sensor(sensor, name="ecg")
    session.add_processor(RateProcessor(), name="hr", inputs=["ecq:ECG"])
    with pytest.raises(ConfigError) as info:
        session.start()
    msg = str(info.value)
    assert "processor 'hr' inputs: no component named 'ecq'; components: ecg, hr." in msg
    assert "Did you mean 'ecg'?" in msg
    assert not session.running and not sensor.started


def test_event_source_naming_no_component_is_an_error_at_start() -> None:
    session = bare_session()
    session.add_sensor(GeneratedSensor("ecg"), name="ecg")
    session.add_processor(RateProcessor(), name="hr")
    session.add_processor(RateProcessor(), name="x", input_types=[], events=["heart_rate@hrr"])
    with pytest.raises(ConfigError, match=r"processor 'x' events: no component named 'hrr'"):
        session.start()


def test_processor_matching_no_stream_is_an_error_listing_the_streams() -> None:
    session = bare_session()
    sensor = GeneratedSensor("chest", type="ECG")
    session.add_sensor(sensor, name="strap")
    session.add_processor(RateProcessor(), name="pulse", input_types=["PPG"])
    with pytest.raises(ConfigError) as info:
        session.start()
    msg = str(info.value)
    assert "processor 'pulse' takes PPG streams from every sensor, but no stream matches" in msg
    assert "the session's streams are: chest (ECG, from strap)" in msg
    assert sensor.started and sensor.stopped  # started sensors are stopped again
    assert not session.running


def test_spec_processor_on_the_wrong_modality_names_its_spec() -> None:
    session = Session(clock="virtual")
    session.add_sensor("simulator", name="participant", modalities=["PPG"], truth=False)
    session.add_processor("heart-rate", name="hr")
    with pytest.raises(ConfigError, match=r"processor 'hr' \(heart-rate\) takes ECG streams"):
        session.start()


def test_processor_fed_by_another_processor_is_not_an_error() -> None:
    session = bare_session()
    session.add_sensor(GeneratedSensor("ecg", n_chunks=3), name="ecg")
    session.add_processor(Echo(), name="echo", input_types=["ECG"])
    fed = session.add_processor(RateProcessor(), name="hr", inputs=["echo"], input_types=["PPG"])
    session.run()  # PPG could come from echo: allowed (nothing came)
    assert fed.seen == 0  # type: ignore[attr-defined]


def test_processor_matching_no_stream_with_a_live_sensor_is_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    session = Session(clock="realtime", plugins=PluginManager(load_entry_points=False))
    session.add_sensor(LiveSensor("live", n_chunks=3), name="inlet")
    session.add_processor(RateProcessor(), name="hr", input_types=["ECG"])
    with caplog.at_level(logging.WARNING, logger="heartmind.builder"):
        session.run(duration=0.2)
    text = caplog.text
    assert "processor 'hr' takes ECG streams" in text
    assert "It may still get streams from live sensor inlet" in text


def test_subscriber_stream_selector_matching_nothing_is_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    session = bare_session()
    session.add_sensor(GeneratedSensor("sim-ECG", n_chunks=2), name="ecg")
    got: list[Chunk] = []
    session.subscribe("stream:sim-ECC", got.append, name="chunks")
    with caplog.at_level(logging.WARNING, logger="heartmind.builder"):
        session.run()
    assert "subscriber chunks selects stream:sim-ECC, but no stream" in caplog.text
    assert "Did you mean 'sim-ECG'?" in caplog.text
    assert got == []


# ---------------------------------------------------------------- options once


class _Plugin:
    @hookimpl
    def heartmind_sensors(self) -> list[SensorSpec]:
        options = {"n_chunks": Option(int, 2, "chunks", min=1), "seed": Option(int, 0)}
        return [
            SensorSpec(
                name="gen",
                produces=("ECG",),
                options=options,
                factory=lambda n_chunks, seed: GeneratedSensor(n_chunks=n_chunks),
            )
        ]

    @hookimpl
    def heartmind_processors(self) -> list[ProcessorSpec]:
        options = {"gain": Option(float, 1.0, "gain", unit="")}
        return [
            ProcessorSpec(
                name="rate",
                inputs=("ECG",),
                options=options,
                factory=lambda gain: RateProcessor(),
            )
        ]


def test_options_are_validated_once_per_component(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = heartmind.builder.validate_options

    def counting(schema: Any, given: Any, where: str) -> dict[str, Any]:
        calls.append(where)
        return real(schema, given, where)

    monkeypatch.setattr(heartmind.builder, "validate_options", counting)
    pm = PluginManager(load_entry_points=False)
    pm.register(_Plugin(), name="core-test")
    data = {
        "sensors": {"ecg": {"spec": "gen", "options": {"n_chunks": 3}}},
        "processors": {"hr": {"spec": "rate", "options": {"gain": 2}}},
    }
    Session(Pipeline.from_dict(data, source="p.toml"), plugins=pm)
    assert calls == ["p.toml [sensors.ecg] options", "p.toml [processors.hr] options"]
    calls.clear()
    Session(clock="virtual", plugins=pm).add_sensor("gen", name="x", n_chunks=2)
    assert calls == ["sensor 'x' options"]
