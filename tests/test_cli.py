"""The ``heartmind`` command line, run as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PIPELINE = ROOT / "examples" / "pipelines" / "ecg_heart_rate.toml"


def heartmind(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "heartmind.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def write_broken_plugin(folder: Path) -> None:
    """A real installed-looking distribution whose plugin module fails to import."""
    dist = folder / "hm_broken-0.1.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: hm-broken\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[heartmind]\nbroken = hm_broken_plugin\n")
    (folder / "hm_broken_plugin.py").write_text("raise RuntimeError('no device driver')\n")


def test_version() -> None:
    out = heartmind("--version")
    assert out.returncode == 0
    assert out.stdout.strip() == f"heartmind {metadata.version('heartmind')}"


def test_plugins_json_lists_builtins() -> None:
    out = heartmind("plugins", "--json")
    assert out.returncode == 0, out.stderr
    records = {r["name"]: r for r in json.loads(out.stdout)}
    for name in ("simulator", "cardiac", "console"):
        assert records[name]["status"] == "loaded", records[name]
        assert records[name]["distribution"] == "heartmind"
    assert {"console", "jsonl"} <= set(records["console"]["provides"]["consumers"])


def test_plugins_shows_a_broken_plugin_and_its_reason(tmp_path: Path) -> None:
    write_broken_plugin(tmp_path)
    env = {"PYTHONPATH": str(tmp_path)}
    out = heartmind("plugins", "--json", env=env)
    records = {r["name"]: r for r in json.loads(out.stdout)}
    assert records["broken"]["status"] == "failed"
    assert "no device driver" in records["broken"]["errors"][0]
    assert records["console"]["status"] == "loaded"  # the others keep working
    table = heartmind("plugins", env={**env, "COLUMNS": "200"})
    assert table.returncode == 1
    assert "broken" in table.stdout and "no device driver" in table.stdout
    strict = heartmind("plugins", env={**env, "HEARTMIND_STRICT_PLUGINS": "1"})
    assert strict.returncode == 2
    assert "plugin 'broken'" in strict.stderr and "no device driver" in strict.stderr


def test_disable_and_select_plugins() -> None:
    out = heartmind("--disable-plugin", "cardiac", "plugins", "--json")
    records = {r["name"]: r for r in json.loads(out.stdout)}
    assert records["cardiac"]["status"] == "disabled"
    out = heartmind("--plugins", "console", "plugins", "--json")
    statuses = {r["name"]: r["status"] for r in json.loads(out.stdout)}
    assert statuses["console"] == "loaded" and statuses["simulator"] == "disabled"
    wrong = heartmind("--plugins", "nosuch", "plugins")
    assert wrong.returncode == 2 and wrong.stdout == ""
    assert "no installed plugin is named 'nosuch'" in wrong.stderr
    assert "installed plugins: analysis, " in wrong.stderr and "console" in wrong.stderr


def test_python_dash_m_heartmind_is_the_command_line() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "heartmind", "--version"], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"heartmind {metadata.version('heartmind')}"


def test_plugins_describes_one_spec_with_its_options() -> None:
    out = heartmind("plugins", "heart-rate", env={"COLUMNS": "200"})
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "heart-rate — processor of plugin cardiac" in text
    assert "inputs: ECG" in text and "outputs: heart_beat, heart_rate, signal_quality" in text
    for column in ("option", "type", "unit", "default", "range / choices", "help"):
        assert column in text
    row = next(line for line in text.splitlines() if "hr_window" in line)
    assert "float" in row and " s " in row and "10.0" in row and "1 … 600" in row
    described = json.loads(heartmind("plugins", "heart-rate", "--json").stdout)
    assert described["kind"] == "processor" and described["plugin"] == "cardiac"
    assert described["options"]["hr_window"] == {
        "type": "float",
        "item": None,
        "unit": "s",
        "required": False,
        "default": 10.0,
        "min": 1.0,
        "max": 600.0,
        "choices": None,
        "help": described["options"]["hr_window"]["help"],
    }
    misspelled = heartmind("plugins", "hart-rate")
    assert misspelled.returncode == 2
    assert "no spec or plugin named 'hart-rate'" in misspelled.stderr
    assert "Did you mean 'heart-rate'?" in misspelled.stderr


def test_plugins_json_details_every_option() -> None:
    records = {r["name"]: r for r in json.loads(heartmind("plugins", "--json").stdout)}
    console = records["console"]["specs"]["consumers"]["console"]
    assert console["options"]["format"]["choices"] == ["pretty", "jsonl"]
    assert console["options"]["format"]["default"] == "pretty"
    for record in records.values():
        for kind, specs in record["specs"].items():
            assert sorted(specs) == sorted(record["provides"][kind])
            for spec in specs.values():
                for option in spec["options"].values():
                    assert {"type", "unit", "default", "min", "max", "help"} <= set(option)


def write_misspelled_plugin(folder: Path) -> None:
    dist = folder / "hm_typo-0.1.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: hm-typo\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[heartmind]\ntypo = hm_typo_plugin\n")
    (folder / "hm_typo_plugin.py").write_text(
        "import heartmind\n@heartmind.hookimpl\ndef heartmind_sensor():\n    return []\n"
    )


def test_a_misspelled_hook_shows_as_a_failure_and_tracing_prints_hook_calls(
    tmp_path: Path,
) -> None:
    write_misspelled_plugin(tmp_path)
    env = {"PYTHONPATH": str(tmp_path), "HEARTMIND_TRACE_PLUGINS": "1"}
    out = heartmind("plugins", "--json", env=env)
    records = {r["name"]: r for r in json.loads(out.stdout)}
    assert records["typo"]["status"] == "failed"
    assert (
        "unknown hook 'heartmind_sensor' (did you mean 'heartmind_sensors'?)"
        in (records["typo"]["errors"][0])
    )
    assert "call heartmind_sensors() -> simulator" in out.stderr  # one plugin per call
    assert "plugin cardiac declares processors: heart-rate, hrv" in out.stderr


def test_events_schema_lists_core_topics() -> None:
    out = heartmind("events", "--json")
    schema = json.loads(out.stdout)
    for topic in (
        "heart_beat",
        "heart_rate",
        "hrv",
        "signal_quality",
        "emotion",
        "stress",
        "marker",
        "gap",
        "calendar_change",
    ):
        assert topic in schema
    fields = {f["name"]: f for f in schema["emotion"]}
    assert fields["valence"]["range"] == [-1.0, 1.0]


def test_run_reports_config_errors_with_file_table_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[sensors.ecg]\nspec = "simulator"\ncolour = "red"\n')
    out = heartmind("run", str(bad))
    assert out.returncode == 2
    assert str(bad) in out.stderr and "[sensors.ecg]" in out.stderr and "'colour'" in out.stderr


def test_run_missing_processor_names_the_disabled_plugin() -> None:
    out = heartmind("--disable-plugin", "cardiac", "run", str(PIPELINE), "--duration", "5")
    assert out.returncode == 2
    assert "heart-rate" in out.stderr and "Disabled plugins: cardiac" in out.stderr


@pytest.mark.slow
def test_run_fast_ten_minutes_prints_sensible_heart_rates_deterministically() -> None:
    args = ("run", str(PIPELINE), "--fast", "--duration", "600", "--events", "jsonl")
    first = heartmind(*args)
    assert first.returncode == 0, first.stderr
    events = [json.loads(line) for line in first.stdout.splitlines()]
    rates = [e for e in events if e["topic"] == "heart_rate"]
    assert len(rates) >= 550  # one per second of the ten minutes, after the first beats
    assert all(40 <= e["bpm"] <= 180 for e in rates)
    assert all(e["time"].startswith("2026-11-24T09:") for e in rates)
    assert [e["timestamp"] for e in rates] == sorted(e["timestamp"] for e in rates)
    # the scripted stress phase raises the rate
    rest = [e["bpm"] for e in rates if e["timestamp"] < 120]
    peak = max(e["bpm"] for e in rates)
    assert peak > sum(rest) / len(rest) + 5
    second = heartmind(*args)
    assert second.stdout == first.stdout  # same seed, same bytes
    other = heartmind(*args, "--seed", "8")
    assert other.stdout != first.stdout
    assert "real time" in first.stderr


@pytest.mark.parametrize("signame", ["SIGINT", "SIGTERM"])
def test_ctrl_c_stops_a_realtime_run_cleanly_and_flushes(tmp_path: Path, signame: str) -> None:
    import signal
    import time

    out = tmp_path / "events.jsonl"
    pipeline = tmp_path / "live.toml"
    pipeline.write_text(
        PIPELINE.read_text()
        .replace('clock = "virtual"', 'clock = "realtime"')
        .replace('start = "2026-11-24T09:00:00Z"', "")
        + f'\n[consumers.log]\nspec = "jsonl"\noptions = {{ path = "{out}" }}\n'
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "heartmind.cli.main", "run", str(pipeline), "--events", "jsonl"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not (out.exists() and out.read_text().count("heart_rate") >= 2):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "no heart_rate events within 60 s"
            time.sleep(0.2)
        proc.send_signal(getattr(signal, signame))
        stdout, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr
    lines = out.read_text().splitlines()
    assert lines and all(json.loads(line)["topic"] for line in lines)  # complete lines only
    printed = [json.loads(line)["timestamp"] for line in stdout.splitlines()]
    logged = [json.loads(x) for x in lines]
    assert printed == [e["timestamp"] for e in logged if e["topic"] == "heart_rate"]
    assert {e["topic"] for e in logged} == {"heart_beat", "heart_rate"}


def write_command_plugin(folder: Path) -> None:
    """A distribution whose plugin adds a `hello` command and a broken `oops` command."""
    dist = folder / "hm_cmd-0.1.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: hm-cmd\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[heartmind]\ncmd = hm_cmd_plugin\n")
    (folder / "hm_cmd_plugin.py").write_text(
        "import heartmind\n"
        "def _configure(p):\n"
        "    p.add_argument('--who', default='world')\n"
        "def _run(args, manager):\n"
        "    print('hello', args.who)\n"
        "    return 3\n"
        "def _bad(p):\n"
        "    raise RuntimeError('bad arguments')\n"
        "@heartmind.hookimpl\n"
        "def heartmind_commands():\n"
        "    yield heartmind.CommandSpec(name='hello', factory=_run, configure=_configure,\n"
        "                                description='say hello')\n"
        "    yield heartmind.CommandSpec(name='oops', factory=_run, configure=_bad)\n"
        "    yield heartmind.CommandSpec(name='run', factory=_run)\n"
    )


def test_plugins_add_commands_and_a_broken_one_is_isolated(tmp_path: Path) -> None:
    write_command_plugin(tmp_path)
    env = {"PYTHONPATH": str(tmp_path)}
    helped = heartmind("--help", env=env)
    assert "say hello" in helped.stdout
    out = heartmind("hello", "--who", "lab", env=env)
    assert (out.returncode, out.stdout.strip()) == (3, "hello lab")
    oops = heartmind("oops", env=env)
    assert oops.returncode == 2 and "bad arguments" in oops.stderr
    builtin = heartmind("run", "--help", env=env)  # a plugin cannot shadow a built-in
    assert "pipeline TOML file" in builtin.stdout
    listed = {r["name"]: r for r in json.loads(heartmind("plugins", "--json", env=env).stdout)}
    assert listed["cmd"]["provides"]["commands"] == ["hello", "oops", "run"]
    disabled = heartmind("--disable-plugin", "cmd", "hello", env=env)
    assert disabled.returncode == 2 and "invalid choice" in disabled.stderr
