"""``heartmind calendar plan|undo`` as a subprocess: proposal, --apply, undo, errors."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import icalendar
from calendar_testkit import SAMPLE, high_morning, write_jsonl

BASE = [sys.executable, "-m", "heartmind.cli.main", "calendar"]


def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    # cwd outside the checkout: a stale heartmind.egg-info at the repository root would
    # otherwise shadow the installed entry points
    return subprocess.run(
        [*BASE, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tempfile.gettempdir(),
    )


def plan_args(tmp_path: Path, ics: Path, *extra: str) -> list[str | Path]:
    stress = write_jsonl(tmp_path / "stress.jsonl", high_morning())
    return [
        "plan",
        "--ics",
        ics,
        "--stress",
        stress,
        "--now",
        "2026-11-24T09:00:00Z",
        "--out",
        tmp_path / "out.ics",
        "--me",
        "you@example.org",
        *extra,
    ]


def test_plan_proposes_without_touching_the_input(tmp_path: Path, sample_ics: Path) -> None:
    proc = cli(*plan_args(tmp_path, sample_ics))
    assert proc.returncode == 0, proc.stderr
    assert "moved    Code review block" in proc.stdout
    assert "Tue 2026-11-24 11:00-12:00 -> Tue 2026-11-24 17:00-18:00" in proc.stdout
    assert "suggest  Design review with Anna" in proc.stdout
    assert "break    Recovery break" in proc.stdout and "why: " in proc.stdout
    assert "is untouched" in proc.stdout
    assert sample_ics.read_bytes() == SAMPLE.read_bytes()
    out = tmp_path / "out.ics"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    icalendar.Calendar.from_ical(out.read_bytes())


def test_apply_then_undo_restores_byte_for_byte(tmp_path: Path, sample_ics: Path) -> None:
    undo = tmp_path / "undo.json"
    proc = cli(*plan_args(tmp_path, sample_ics, "--apply", "--undo", str(undo), "--json"))
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["applied"] is True
    assert {c["action"] for c in report["changes"]} == {"move", "suggest", "insert_break"}
    assert all(c["topic"] == "calendar_change" for c in report["changes"])
    assert sample_ics.read_bytes() == (tmp_path / "out.ics").read_bytes() != SAMPLE.read_bytes()
    assert stat.S_IMODE(sample_ics.stat().st_mode) == 0o600
    assert stat.S_IMODE(undo.stat().st_mode) == 0o600
    proc = cli("undo", undo)
    assert proc.returncode == 0, proc.stderr
    assert sample_ics.read_bytes() == SAMPLE.read_bytes()


def test_undo_refuses_after_outside_edits(tmp_path: Path, sample_ics: Path) -> None:
    undo = tmp_path / "undo.json"
    assert cli(*plan_args(tmp_path, sample_ics, "--apply", "--undo", str(undo))).returncode == 0
    sample_ics.write_bytes(sample_ics.read_bytes() + b"\r\n")
    proc = cli("undo", undo)
    assert proc.returncode == 2 and "--force" in proc.stderr
    assert cli("undo", undo, "--force").returncode == 0
    assert sample_ics.read_bytes() == SAMPLE.read_bytes()


def test_malformed_calendar_is_reported_and_nothing_written(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ics"
    bad.write_bytes(
        SAMPLE.read_bytes().replace(
            b"DTSTART;TZID=Europe/Berlin:20261124T130000",
            b"DTSTART;TZID=Europe/Berlin:2026-11-24 13h",
        )
    )
    before = bad.read_bytes()
    proc = cli(*plan_args(tmp_path, bad, "--apply"))
    assert proc.returncode == 2
    assert "quarterly-report-20261124@example.org" in proc.stderr
    assert "nothing was written" in proc.stderr and "line 115," in proc.stderr
    assert not (tmp_path / "out.ics").exists() and bad.read_bytes() == before
    proc = cli(*plan_args(tmp_path, bad, "--working-hours", "9-5"))
    assert proc.returncode == 2 and "HH:MM-HH:MM" in proc.stderr
