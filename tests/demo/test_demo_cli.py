"""``heartmind demo`` as a user runs it: defaults, determinism, real time, errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from demo_testkit import RUN_TIMEOUT, DemoRun, run_demo, run_short

from heartmind.plugins.demo._cli import DEFAULT_OUT

# Each test may run up to two shortened demos (the shared one and its own); no wall-time bound
# beyond that: the suite may share both cores with other jobs.
pytestmark = [pytest.mark.timeout(2 * RUN_TIMEOUT + 60)]


def test_same_seed_gives_the_same_events_byte_for_byte(short_run: DemoRun, tmp_path: Path) -> None:
    again = run_short(tmp_path / "again")
    assert again.returncode == 0, again.stderr
    first = (short_run.out / "events.jsonl").read_bytes()
    assert (again.out / "events.jsonl").read_bytes() == first
    assert (again.out / "calendar-proposed.ics").read_bytes() == (
        short_run.out / "calendar-proposed.ics"
    ).read_bytes()


def test_bad_options_are_explained(tmp_path: Path) -> None:
    run = run_demo(tmp_path / "o", "--duration", "-5")
    assert run.returncode == 2
    assert "--duration -5: give a positive number of seconds" in run.stderr
    (tmp_path / "file").write_text("x")
    run = run_demo(tmp_path / "file")
    assert run.returncode == 2 and "this is a file; give a folder" in run.stderr
    run = run_demo(tmp_path / "o", "--realtime", "--start", "2026-01-01T00:00:00Z")
    assert run.returncode == 2 and "drop it with --realtime" in run.stderr


def test_realtime_runs_live_for_a_few_seconds(tmp_path: Path) -> None:
    run = run_demo(tmp_path / "live", "--realtime", "--duration", "4")
    assert run.returncode == 0, run.stderr
    assert "real-time" in run.stderr
    for name in ("demo.xdf", "events.jsonl", "calendar-proposed.ics", "demo.png"):
        assert (tmp_path / "live" / name).is_file()


def test_default_output_folder_name() -> None:
    assert DEFAULT_OUT == "heartmind-demo-out"


@pytest.mark.slow
def test_full_default_demo_moves_work_faster_than_real_time(tmp_path: Path) -> None:
    """The README's first command: four simulated hours (about a minute on an idle machine)."""
    run = run_demo(tmp_path / "full", timeout=2 * RUN_TIMEOUT)
    assert run.returncode == 0, run.stderr
    assert "ran 4.00 h of simulated time" in run.stderr
    assert "calendar policy check: ok" in run.stderr
    moved = re.search(r"policy check: ok \((\d+) moved", run.stderr)
    assert moved and int(moved.group(1)) >= 1
    speed = re.search(r"\(([\d,]+)× real time\)", run.stderr)
    assert speed is not None
    # Speed is printed, not asserted tightly: the suite may share the CPU with other jobs.
    assert int(speed.group(1).replace(",", "")) > 1
