"""Pipeline TOML files: parsing, errors naming file/table/key, and building sessions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from core_testkit import GeneratedSensor, RateProcessor, RecordingConsumer

from heartmind import (
    ConfigError,
    ConsumerSpec,
    HeartRate,
    Option,
    Pipeline,
    PluginError,
    PluginManager,
    ProcessorSpec,
    SensorSpec,
    Session,
    hookimpl,
)

BUILT: dict[str, Any] = {}


def _gen(*, n_chunks: int, rate: float, seed: int) -> GeneratedSensor:
    sensor = GeneratedSensor("gen", n_chunks=n_chunks, rate=rate, seed=seed)
    BUILT["sensor"] = sensor
    BUILT["seed"] = seed
    return sensor


def _rec() -> RecordingConsumer:
    BUILT["consumer"] = RecordingConsumer()
    return BUILT["consumer"]


class CoreTestPlugin:
    """A plugin object registered directly (no entry point needed here)."""

    @hookimpl
    def heartmind_sensors(self) -> list[SensorSpec]:
        options = {
            "n_chunks": Option(int, 5, "chunks to produce", min=1),
            "rate": Option(float, 100.0, "Hz", min=1.0),
            "seed": Option(int, 0, "random seed"),
        }
        return [SensorSpec(name="gen", produces=("ECG",), factory=_gen, options=options)]

    @hookimpl
    def heartmind_processors(self) -> list[ProcessorSpec]:
        return [ProcessorSpec(name="rate", inputs=("ECG",), factory=RateProcessor)]

    @hookimpl
    def heartmind_consumers(self) -> list[ConsumerSpec]:
        return [ConsumerSpec(name="rec", factory=_rec)]


@pytest.fixture
def pm() -> PluginManager:
    manager = PluginManager(load_entry_points=False)
    manager.register(CoreTestPlugin(), name="core-test")
    BUILT.clear()
    return manager


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """
[session]
clock = "virtual"
start = 2026-11-24T09:00:00Z
duration = 0.5
seed = 7

[sensors.ecg]
spec = "gen"
options = { n_chunks = 10, rate = 100 }

[processors.hr]
spec = "rate"
inputs = ["ecg"]

[consumers.out]
spec = "rec"
topics = ["heart_rate"]
streams = ["type:ECG"]
"""


def test_good_pipeline_loads_and_runs(tmp_path: Path, pm: PluginManager) -> None:
    pipeline = Pipeline.load(write(tmp_path, GOOD))
    assert pipeline.source == str(tmp_path / "p.toml")
    assert pipeline.session.clock == "virtual"
    assert pipeline.session.duration == 0.5
    assert pipeline.session.seed == 7
    assert [c.table for c in pipeline.components] == [
        "sensors.ecg",
        "processors.hr",
        "consumers.out",
    ]
    assert pipeline.components[1].inputs == ("ecg",)
    session = Session(pipeline, plugins=pm)
    assert session.clock.iso(0) == "2026-11-24T09:00:00.000000Z"
    stats = session.run()
    consumer: RecordingConsumer = BUILT["consumer"]
    assert consumer.started and consumer.stopped
    assert len(consumer.chunks) == 5  # 0.5 s of 100 Hz in chunks of 10 samples
    assert len(consumer.events) == 5
    assert all(isinstance(e, HeartRate) for e in consumer.events)
    assert stats["sensors"]["ecg"]["samples"] == 50


def test_pipeline_session_seed_reaches_spec_with_seed_option(
    tmp_path: Path, pm: PluginManager
) -> None:
    Session(Pipeline.load(write(tmp_path, GOOD)), plugins=pm)
    assert BUILT["seed"] == 7  # as with session.add_sensor("gen") in Python


def test_python_api_session_seed_reaches_spec(pm: PluginManager) -> None:
    session = Session(clock="virtual", seed=11, plugins=pm)
    session.add_sensor("gen")
    assert BUILT["seed"] == 11
    session.add_sensor("gen", name="other", seed=3)
    assert BUILT["seed"] == 3


def test_explicit_seed_option_wins_in_pipeline(tmp_path: Path, pm: PluginManager) -> None:
    text = GOOD.replace("n_chunks = 10, rate = 100", "n_chunks = 10, seed = 99")
    Session(Pipeline.load(write(tmp_path, text)), plugins=pm)
    assert BUILT["seed"] == 99


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ('[sesion]\nclock = "virtual"\n', r"p\.toml: unknown table \[sesion\]"),
        (
            '[session]\nclok = "virtual"\n[sensors.a]\nspec = "gen"\n',
            r"p\.toml \[session\]: unknown key 'clok'; valid keys: clock, duration, seed, start",
        ),
        (
            '[sensors.a]\nspec = "gen"\ninputs = ["b"]\n',
            r"p\.toml \[sensors\.a\]: unknown key 'inputs'; valid keys: options, spec",
        ),
        ("[sensors.a]\noptions = {}\n", r"p\.toml \[sensors\.a\]: key 'spec' is required"),
        (
            '[session]\nclock = "wall"\n[sensors.a]\nspec = "gen"\n',
            r"p\.toml \[session\] clock = 'wall': use 'virtual' or 'realtime'",
        ),
        (
            '[session]\nduration = -1\n[sensors.a]\nspec = "gen"\n',
            r"p\.toml \[session\] duration = -1: give a positive number",
        ),
        (
            '[session]\nduration = 0\n[sensors.a]\nspec = "gen"\n',
            r"p\.toml \[session\] duration = 0",
        ),
        (
            '[session]\nseed = -3\n[sensors.a]\nspec = "gen"\n',
            r"p\.toml \[session\] seed = -3",
        ),
        (
            '[sensors.a]\nspec = "gen"\n[processors.p]\nspec = "rate"\ninputs = "a"\n',
            r"p\.toml \[processors\.p\] inputs must be a list of strings",
        ),
        (
            '[sensors.a]\nspec = "gen"\n[consumers.c]\nspec = "rec"\ntopics = [1]\n',
            r"p\.toml \[consumers\.c\] topics must be a list of strings",
        ),
        (
            '[sensors.a]\nspec = "gen"\noptions = "n_chunks=3"\n',
            r"p\.toml \[sensors\.a\] options must be a table",
        ),
        ('[processors.p]\nspec = "rate"\n', r"p\.toml: the pipeline has no sensors"),
        ("sensors = 3\n", r"p\.toml: \[sensors\] must contain tables"),
        ("[sensors\n", r"p\.toml: not valid TOML"),
    ],
)
def test_pipeline_errors_name_file_table_and_key(tmp_path: Path, text: str, pattern: str) -> None:
    with pytest.raises(ConfigError, match=pattern):
        Pipeline.load(write(tmp_path, text))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"cannot read pipeline file .*nope\.toml"):
        Pipeline.load(tmp_path / "nope.toml")


def test_unknown_option_names_file_table_and_lists_valid(tmp_path: Path, pm: PluginManager) -> None:
    text = GOOD.replace("n_chunks = 10", "n_chunk = 10")
    pipeline = Pipeline.load(write(tmp_path, text))
    with pytest.raises(ConfigError) as info:
        Session(pipeline, plugins=pm)
    msg = str(info.value)
    assert f"{tmp_path / 'p.toml'} [sensors.ecg] options" in msg
    assert "unknown option 'n_chunk'; valid options: n_chunks, rate, seed" in msg


def test_bad_option_value_names_the_key(tmp_path: Path, pm: PluginManager) -> None:
    text = GOOD.replace("n_chunks = 10", "n_chunks = 0")
    with pytest.raises(ConfigError, match=r"\[sensors\.ecg\] options n_chunks = 0 is below"):
        Session(Pipeline.load(write(tmp_path, text)), plugins=pm)


def test_inputs_naming_an_unknown_component(tmp_path: Path, pm: PluginManager) -> None:
    text = GOOD.replace('inputs = ["ecg"]', 'inputs = ["ecg", "eeg:EEG"]')
    with pytest.raises(ConfigError) as info:
        Session(Pipeline.load(write(tmp_path, text)), plugins=pm)
    msg = str(info.value)
    assert "p.toml [processors.hr] inputs: no component named 'eeg'" in msg
    assert "components: ecg, hr, out" in msg


def test_unknown_spec_lists_available_ones(tmp_path: Path, pm: PluginManager) -> None:
    text = GOOD.replace('spec = "rate"', 'spec = "heart-rate"')
    with pytest.raises(PluginError) as info:
        Session(Pipeline.load(write(tmp_path, text)), plugins=pm)
    msg = str(info.value)
    assert "no processor named 'heart-rate'; available: rate" in msg
    assert "p.toml [processors.hr]" in msg


def test_realtime_pipeline_rejects_start(tmp_path: Path, pm: PluginManager) -> None:
    text = GOOD.replace('clock = "virtual"', 'clock = "realtime"')
    with pytest.raises(ConfigError, match=r"start is only for the virtual clock"):
        Session(Pipeline.load(write(tmp_path, text)), plugins=pm)


def test_duplicate_component_names_across_kinds(pm: PluginManager) -> None:
    data = {
        "sensors": {"x": {"spec": "gen"}},
        "consumers": {"x": {"spec": "rec"}},
    }
    with pytest.raises(ConfigError, match=r"two components are named 'x'"):
        Session(Pipeline.from_dict(data, source="dict"), plugins=pm)


def test_processor_event_selectors_are_read_from_the_file() -> None:
    from heartmind.pipeline import Pipeline

    pipeline = Pipeline.from_dict(
        {
            "sensors": {"s": {"spec": "simulator"}},
            "processors": {"cal": {"spec": "calendar", "events": ["stress@fusion"]}},
        },
        source="p.toml",
    )
    (proc,) = [c for c in pipeline.components if c.kind == "processors"]
    assert proc.events == ("stress@fusion",)
    with pytest.raises(ConfigError, match=r"\[processors.cal\] events must be a list"):
        Pipeline.from_dict(
            {
                "sensors": {"s": {"spec": "simulator"}},
                "processors": {"cal": {"spec": "calendar", "events": "stress"}},
            },
            source="p.toml",
        )


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("inputs", "stream:ecg", r"\[processors.hr\] inputs: selector 'stream:ecg' selects a"),
        ("events", "stream:x", r"\[processors.hr\] events: selector 'stream:x' selects chunks"),
        ("events", "stress@", r"\[processors.hr\] events: selector 'stress@' has an empty"),
    ],
)
def test_malformed_selectors_in_a_file_name_table_and_key(
    tmp_path: Path, key: str, value: str, message: str
) -> None:
    text = GOOD.replace('inputs = ["ecg"]', f'{key} = ["{value}"]')
    with pytest.raises(ConfigError, match=message):
        Pipeline.load(write(tmp_path, text))


def test_consumer_selectors_in_a_file(tmp_path: Path, pm: PluginManager) -> None:
    bad = GOOD.replace('streams = ["type:ECG"]', 'streams = ["type:"]')
    with pytest.raises(ConfigError, match=r"\[consumers.out\] streams: selector 'type:'"):
        Pipeline.load(write(tmp_path, bad))
    typo = GOOD.replace('topics = ["heart_rate"]', 'topics = ["heart-rate@hr"]')
    with pytest.raises(ConfigError) as info:
        Session(Pipeline.load(write(tmp_path, typo)), plugins=pm)
    assert "[consumers.out] topics: no event topic 'heart-rate'." in str(info.value)
    assert "Did you mean 'heart_rate'?" in str(info.value)
    sourced = GOOD.replace('topics = ["heart_rate"]', 'topics = ["heart_rate@hr"]')
    session = Session(Pipeline.load(write(tmp_path, sourced)), plugins=pm)
    session.run()
    assert len(BUILT["consumer"].events) == 5
