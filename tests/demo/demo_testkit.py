"""Helpers of the demo tests: run the demo (full or shortened) in a subprocess."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

#: A one-hour day compressed from the demo's four hours, starting 10:00 in Berlin (UTC+1) on
#: the sample calendar's day: calm 10:00-10:25, crunch 10:25-10:45, recovery after.
SHORT_STATE = """
name = "demo-short"
[[phase]]
name = "arrival"
duration = 600.0
stress = 0.15
valence = 0.2
arousal = -0.1
[[phase]]
name = "focused-work"
duration = 900.0
ramp = 120.0
stress = 0.2
valence = 0.3
arousal = 0.1
[[phase]]
name = "deadline-crunch"
duration = 1200.0
ramp = 120.0
stress = 0.9
valence = -0.6
arousal = 0.8
dominance = -0.5
[[phase]]
name = "recovery"
duration = 900.0
ramp = 300.0
stress = 0.15
valence = 0.4
arousal = -0.3
"""
SHORT_START = "2026-11-24T09:00:00Z"
#: Session time (s) of the scripted crunch, ramp included.
CRUNCH = (1500.0, 2700.0)


@dataclass(frozen=True)
class DemoRun:
    """A finished demo run: its output folder and what it printed on standard error."""

    out: Path
    stderr: str
    returncode: int


#: Seconds a demo subprocess may take: generous, the machine may be busy (both cores).
RUN_TIMEOUT = 400.0


def run_demo(out: Path, *args: str, timeout: float = RUN_TIMEOUT) -> DemoRun:
    """Run ``heartmind demo --out OUT ARGS`` in a subprocess (stderr is not a terminal)."""
    cmd = [sys.executable, "-m", "heartmind.cli.main", "demo", "--out", str(out), *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    return DemoRun(out, proc.stderr, proc.returncode)


def run_short(out: Path, seed: int = 7) -> DemoRun:
    """The shortened demo: one hour, same pipeline, crunch confirmed at about 10:37."""
    state = out.parent / f"{out.name}-state.toml"
    state.write_text(SHORT_STATE)
    return run_demo(out, "--state", str(state), "--start", SHORT_START, "--seed", str(seed))
