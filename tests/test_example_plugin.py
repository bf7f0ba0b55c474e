"""The third-party example plugin ``examples/heartmind-csv``, installed with pip.

The package must be installed into the test environment (the Makefile does it with
``pip install --no-build-isolation --no-deps -e examples/heartmind-csv``); it is then found
through its ``heartmind`` entry point exactly as any third-party plugin would be.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

import heartmind
from heartmind import Chunk, ConfigError, Pipeline, PluginManager, Session
from heartmind.specs import validate_options

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "heartmind-csv"
PIPELINE = ROOT / "examples" / "pipelines" / "csv_heart_rate.toml"
SAMPLE = EXAMPLE / "heartmind_csv" / "data" / "ecg_250hz.csv"
INSTALL = "pip install --no-build-isolation --no-deps -e examples/heartmind-csv"


@pytest.fixture(scope="module")
def dist_version() -> str:
    """Version of the installed heartmind-csv distribution (fails if it is not installed)."""
    try:
        return metadata.version("heartmind-csv")
    except metadata.PackageNotFoundError:
        pytest.fail(f"the example plugin is not installed; run: {INSTALL}")


def _cli(*args: str, cwd: Path = ROOT, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the ``heartmind`` CLI of this environment as a subprocess."""
    script = Path(sys.executable).with_name("heartmind")
    if script.exists():
        cmd = [str(script), *args]
    else:  # same entry point, without relying on the console script
        cmd = [
            sys.executable,
            "-c",
            "import sys; from heartmind.cli.main import main; sys.exit(main())",
            *args,
        ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEARTMIND_")}
    return subprocess.run(
        cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def _collect(session: Session) -> list[Chunk]:
    chunks: list[Chunk] = []
    session.subscribe("stream:*", chunks.append)
    return chunks


def _make_sample_module() -> ModuleType:
    """``examples/heartmind-csv/make_sample.py`` as a module (it is not installed)."""
    spec = importlib.util.spec_from_file_location("make_sample", EXAMPLE / "make_sample.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


# ------------------------------------------------------------------------ discovery


def test_discovered_through_its_entry_point(dist_version: str) -> None:
    pm = PluginManager(strict=False)
    record = pm.records["csv"]
    assert record.status == "loaded", record.errors
    assert record.module == "heartmind_csv"
    assert record.distribution == "heartmind-csv"
    assert record.version == dist_version == "0.1.0"
    assert record.errors == []
    assert "csv-file" in pm.sensors()
    assert pm.sensors()["csv-file"].plugin == "csv"
    assert {r.name: r for r in pm.report()}["csv"].provides["sensors"] == ["csv-file"]


def test_loads_in_strict_mode_alone(dist_version: str) -> None:
    pm = PluginManager(only=["csv"], strict=True)
    assert [r.name for r in pm.report() if r.status == "loaded"] == ["csv"]
    spec = pm.get("sensors", "csv-file")
    schema = spec.option_schema()
    assert set(schema) == {"path", "type", "rate", "units", "stream_name", "chunk_duration"}
    assert schema["path"].required
    assert not any(o.required for k, o in schema.items() if k != "path")


def test_listing_plugins_does_not_import_the_sensor_module(dist_version: str) -> None:
    code = (
        "import sys, heartmind; pm = heartmind.PluginManager(only=['csv'], strict=True); "
        "pm.report(); print('heartmind_csv._sensor' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "False"


def test_cli_plugins_json_lists_it(dist_version: str) -> None:
    proc = _cli("plugins", "--json")
    assert proc.returncode == 0, proc.stderr
    records = {r["name"]: r for r in json.loads(proc.stdout)}
    rec = records["csv"]
    assert rec["status"] == "loaded"
    assert rec["distribution"] == "heartmind-csv"
    assert rec["version"] == dist_version
    assert rec["module"] == "heartmind_csv"
    assert rec["errors"] == []
    assert rec["provides"]["sensors"] == ["csv-file"]
    assert rec["event_hook"] is False


# ------------------------------------------------------------------------ in a session


def test_session_streams_the_sample_exactly(dist_version: str) -> None:
    import heartmind_csv

    path = heartmind_csv.sample_path()
    assert path.is_file()
    expected = np.loadtxt(path, delimiter=",", skiprows=1)
    session = Session(clock="virtual", start="2026-11-24T09:00:00Z")
    sensor = session.add_sensor("csv-file", name="file", path=str(path), units="mV")
    assert sensor.live is False
    chunks = _collect(session)
    stats = session.run()
    assert sensor.finished
    assert stats["sensors"]["file"]["samples"] == len(expected) == 2500
    assert stats["dropped"] == 0
    info = chunks[0].info
    assert (info.name, info.type, info.channels, info.units) == (
        "ecg_250hz",
        "ECG",
        ("ECG",),
        ("mV",),
    )
    assert info.rate == pytest.approx(250.0)
    assert info.dtype == "float64"
    # 0.25 s chunks of a 250 Hz signal
    assert all(len(c) in (62, 63) for c in chunks[:-1])
    data = np.concatenate([c.data for c in chunks])
    times = np.concatenate([c.timestamps for c in chunks])
    np.testing.assert_array_equal(data[:, 0], expected[:, 1])
    np.testing.assert_array_equal(times, expected[:, 0])  # t0 = 0 s on a fresh virtual clock


def test_sample_file_is_what_make_sample_writes(tmp_path: Path) -> None:
    module = _make_sample_module()
    module.OUT = tmp_path / "ecg.csv"
    assert module.main() == 0
    assert module.OUT.read_bytes() == SAMPLE.read_bytes()


def test_rate_option_and_header_less_multichannel(tmp_path: Path) -> None:
    rows = [[i, -i, 0.5 * i] for i in range(10)]
    path = _write(tmp_path / "abc.csv", "".join(f"{a},{b},{c}\n" for a, b, c in rows))
    session = Session(clock="virtual")
    session.add_sensor(
        "csv-file", path=path, rate=4.0, type="ppg", units="a.u.,a.u.,uS", chunk_duration=1.0
    )
    chunks = _collect(session)
    session.run()
    info = chunks[0].info
    assert (info.name, info.type, info.rate) == ("abc", "PPG", 4.0)
    assert info.channels == ("ch1", "ch2", "ch3")
    assert info.units == ("a.u.", "a.u.", "uS")
    assert [len(c) for c in chunks] == [4, 4, 2]
    np.testing.assert_array_equal(np.concatenate([c.data for c in chunks]), np.array(rows))
    np.testing.assert_allclose(np.concatenate([c.timestamps for c in chunks]), np.arange(10) / 4)


def test_timestamps_start_at_the_clock_and_keep_file_time(tmp_path: Path) -> None:
    text = "# exported by a test\nt,ECG,PPG\n\n1.5,1,2\n1.6,3,4\n2.0,5,6\n"
    sensor = heartmind.Session(clock="virtual").add_sensor(
        "csv-file", path=_write(tmp_path / "x.csv", text), stream_name="rec", chunk_duration=10.0
    )
    clock = heartmind.VirtualClock()
    clock.advance(100.0)
    sensor.start(heartmind.Context(name="rec", clock=clock))
    chunk = sensor.read(0.0)
    assert isinstance(chunk, Chunk)
    assert (chunk.info.name, chunk.info.channels) == ("rec", ("ECG", "PPG"))
    np.testing.assert_allclose(chunk.timestamps, [101.5, 101.6, 102.0])
    assert sensor.finished and sensor.read(0.0) is None


# ------------------------------------------------------------------------ errors


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"no file .*nope\.csv.*'path' option"):
        Session(clock="virtual").add_sensor("csv-file", path=str(tmp_path / "nope.csv"))


def test_missing_path_option_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="'path' is required"):
        Session(clock="virtual").add_sensor("csv-file")


def test_non_numeric_cell_names_line_and_column(tmp_path: Path) -> None:
    path = _write(tmp_path / "bad.csv", "time,ECG,PPG\n0.0,1,2\n0.1,1,n/a\n")
    with pytest.raises(ConfigError, match=r"line 3, column 3 \('PPG'\): 'n/a' is not a finite"):
        Session(clock="virtual").add_sensor("csv-file", path=path)
    path = _write(tmp_path / "nan.csv", "0.0,1\n0.1,nan\n")
    with pytest.raises(ConfigError, match=r"line 2, column 2 \('column 2'\): 'nan'"):
        Session(clock="virtual").add_sensor("csv-file", path=path)


@pytest.mark.parametrize("times", [(0.0, 0.1, 0.1), (0.0, 0.2, 0.1)])
def test_non_increasing_time_is_a_config_error(tmp_path: Path, times: tuple[float, ...]) -> None:
    path = _write(tmp_path / "t.csv", "".join(f"{t},1\n" for t in times))
    with pytest.raises(ConfigError, match=r"line 3, column 1: the time goes from .* increase"):
        Session(clock="virtual").add_sensor("csv-file", path=path)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("", "no rows of samples"),
        ("time,ECG\n", "no rows of samples"),
        ("0,1\n0.1,2,3\n", "line 2 has 3 cells, expected 2"),
        ("1\n2\n", "has one column"),
    ],
)
def test_malformed_files(tmp_path: Path, text: str, match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        Session(clock="virtual").add_sensor("csv-file", path=_write(tmp_path / "m.csv", text))


def test_bad_option_values_are_config_errors(tmp_path: Path) -> None:
    path = str(SAMPLE)
    with pytest.raises(ConfigError, match=r"rate = -1\.0 is below its minimum"):
        Session(clock="virtual").add_sensor("csv-file", path=path, rate=-1.0)
    with pytest.raises(ConfigError, match="unknown option 'colour'"):
        Session(clock="virtual").add_sensor("csv-file", path=path, colour="red")
    with pytest.raises(ConfigError, match="3 units for 1 channels"):
        Session(clock="virtual").add_sensor("csv-file", path=path, units="mV,mV,mV")


# ------------------------------------------------------------------------ example pipeline


def test_example_pipeline_is_valid_for_the_sensor(dist_version: str) -> None:
    pipeline = Pipeline.load(PIPELINE)
    by_name = {c.name: c for c in pipeline.components}
    assert (by_name["file"].spec, by_name["hr"].spec, by_name["console"].spec) == (
        "csv-file",
        "heart-rate",
        "console",
    )
    assert by_name["hr"].inputs == ("file",)
    spec = PluginManager(only=["csv"]).get("sensors", "csv-file")
    options: dict[str, Any] = validate_options(spec.options, by_name["file"].options, "test")
    assert (ROOT / options["path"]).resolve() == SAMPLE.resolve()
    spec.factory(**{**options, "path": str(ROOT / options["path"])})


def test_cli_runs_the_csv_sensor_with_jsonl_events(tmp_path: Path, dist_version: str) -> None:
    """``heartmind run`` builds a session from a pipeline that uses the plugin's sensor."""
    if shutil.which("heartmind", path=str(Path(sys.executable).parent)) is None:
        pytest.fail("the heartmind console script is not installed next to the interpreter")
    out = tmp_path / "events.jsonl"
    pipeline = tmp_path / "p.toml"
    pipeline.write_text(
        "[session]\nclock = 'virtual'\n\n"
        f"[sensors.file]\nspec = 'csv-file'\noptions = {{ path = '{SAMPLE}' }}\n\n"
        f"[consumers.store]\nspec = 'jsonl'\noptions = {{ path = '{out}' }}\n",
        encoding="utf-8",
    )
    proc = _cli("run", str(pipeline), "--fast", "--events", "jsonl", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    for line in proc.stdout.splitlines():
        if line.strip():
            heartmind.event_from_json(line)  # every stdout line is one event


def test_cli_runs_the_example_csv_heart_rate_pipeline(dist_version: str) -> None:
    """The shipped pipeline: csv-file -> heart-rate (cardiac plugin) -> console, as JSON lines."""
    proc = _cli("run", str(PIPELINE.relative_to(ROOT)), "--events", "jsonl")
    assert proc.returncode == 0, proc.stderr
    events = [heartmind.event_from_json(line) for line in proc.stdout.splitlines() if line]
    rates = [e for e in events if isinstance(e, heartmind.HeartRate)]
    assert len(rates) >= 5, proc.stdout
    assert all(e.source == "hr" and e.stream == "ecg_250hz" for e in rates)
    assert all(e.time.startswith("2026-11-24T09:00:") for e in rates)  # [session] start
    # ground truth: the beat times make_sample.py placed in the file
    sample = _make_sample_module()
    beats = sample.beat_times(sample.DURATION, np.random.default_rng(sample.SEED))
    beats = beats[beats < sample.DURATION]
    true_bpm = 60.0 / float(np.mean(np.diff(beats)))
    assert float(np.median([e.bpm for e in rates])) == pytest.approx(true_bpm, abs=2.0)


# ------------------------------------------------------------------------ the processor


def test_rms_processor_is_declared_and_loads_lazily(dist_version: str) -> None:
    pm = PluginManager(only=["csv"], strict=True)
    spec = pm.get("processors", "signal-rms")
    assert (spec.plugin, spec.inputs, spec.outputs) == ("csv", ("*",), ("signal_rms",))
    assert set(spec.option_schema()) == {"window"}
    code = (
        "import sys, heartmind; pm = heartmind.PluginManager(only=['csv'], strict=True); "
        "pm.report(); from heartmind.events import event_types; "
        "print('heartmind_csv._rms' in sys.modules, 'signal_rms' in event_types())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.split() == ["False", "True"]  # event type registered, processor not loaded


@pytest.mark.parametrize("window", [0.3, 2.0])
def test_rms_processor_equals_its_offline_twin(dist_version: str, window: float) -> None:
    import heartmind_csv
    from heartmind_csv.api import window_rms
    from heartmind_csv.events import SignalRMS

    path = heartmind_csv.sample_path()
    session = Session(clock="virtual")
    session.add_sensor("csv-file", name="file", path=str(path), units="mV", chunk_duration=0.07)
    session.add_processor("signal-rms", name="rms", window=window)
    events: list[SignalRMS] = []
    session.subscribe("signal_rms", events.append)  # type: ignore[arg-type]
    session.run()
    expected = np.loadtxt(path, delimiter=",", skiprows=1)
    times, rms = window_rms(expected[:, 1:], 250.0, window)
    assert len(events) == len(times) == int(10.0 // window)
    np.testing.assert_allclose([e.timestamp for e in events], times, rtol=0, atol=1e-9)
    np.testing.assert_allclose([e.rms for e in events], rms, rtol=1e-12)
    first = events[0]
    assert (first.source, first.stream, first.channels) == ("rms", "ecg_250hz", ("ECG",))
    assert first.window == pytest.approx(window) and 0.05 < first.rms[0] < 1.0  # mV
    heartmind.event_from_json(first.to_json())  # serializes and reads back


def test_rms_processor_restarts_a_stream_after_a_gap(tmp_path: Path) -> None:
    text = "".join(f"{t / 10:.1f},1\n" for t in range(10))  # 1 s at 10 Hz, value 1 ...
    text += "".join(f"{3 + t / 10:.1f},3\n" for t in range(10))  # ... a 2-s gap, value 3
    session = Session(clock="virtual")
    session.add_sensor("csv-file", path=_write(tmp_path / "g.csv", text), chunk_duration=0.5)
    session.add_processor("signal-rms", window=0.6)
    events: list[Any] = []
    session.subscribe("signal_rms", events.append)
    session.run()
    # the gap falls between two 0.5-s chunks: windows restart there, [0, 0.5] and
    # [3.0, 3.5]; the incomplete ones are left out
    assert [(round(e.timestamp, 6), e.rms) for e in events] == [(0.5, (1.0,)), (3.5, (3.0,))]


# ------------------------------------------------------------------------ the guide's code


GUIDE = ROOT / "docs" / "plugin-author-guide.md"
_INCLUDED = re.compile(r"<!-- (file|excerpt): (\S+) -->\n```python\n(.*?)```", re.S)


def test_the_guide_shows_the_example_files_verbatim() -> None:
    """Code blocks marked ``<!-- file: PATH -->`` are that file; ``excerpt:`` a part of it."""
    blocks = _INCLUDED.findall(GUIDE.read_text(encoding="utf-8"))
    files = {path for kind, path, _ in blocks if kind == "file"}
    assert "examples/heartmind-csv/heartmind_csv/_rms.py" in files, blocks
    for kind, path, code in blocks:
        text = (ROOT / path).read_text(encoding="utf-8")
        if kind == "file":
            assert code == text, f"{GUIDE.name}: the block of {path} differs from the file"
        else:
            assert code in text, f"{GUIDE.name}: the excerpt of {path} is not in the file"
