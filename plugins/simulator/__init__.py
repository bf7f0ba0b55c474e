"""Built-in simulator sensor: a scripted participant (``heartmind.sim``) as a heartmind sensor.

Declares the ``simulator`` sensor and the ``heartmind simulate`` command (the participant
as real LSL outlets). Importing this package is cheap; scipy and the simulator load in the
factory. Code that builds on the sensor (a subclass, the LSL publisher) uses
:mod:`heartmind.plugins.simulator.api`.

    session = heartmind.Session(clock="virtual", seed=1)
    session.add_sensor("simulator", modalities=["ECG", "PPG"], state="rest-stress-recovery")
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import heartmind
from heartmind.components import Sensor
from heartmind.specs import CommandSpec, Option, SensorSpec

__all__ = ["OPTIONS", "heartmind_commands", "heartmind_sensors"]

_MODALITIES = ("ECG", "PPG", "EDA", "RSP", "EEG", "RADAR", "FACE", "KEYS", "MOUSE")


def _rate(default: float, what: str) -> Option:
    return Option(float, default, f"{what} sampling rate in Hz", min=0.1, max=100_000.0, unit="Hz")


#: Options of the ``simulator`` sensor (see docs/plugins/simulator.md).
OPTIONS: dict[str, Option] = {
    "modalities": Option(
        list, ["ECG"], f"stream types to simulate, from {', '.join(_MODALITIES)}", item=str
    ),
    "state": Option(
        str, "rest-stress-recovery", "bundled state script name or path to a TOML script"
    ),
    "seed": Option(int, -1, "random seed; -1 uses the session's seed", min=-1),
    "chunk_duration": Option(
        float, 0.25, "length of each chunk in s", min=0.01, max=60.0, unit="s"
    ),
    "duration": Option(
        float, 0.0, "length of the simulation in s; 0 runs until stopped", min=0, unit="s"
    ),
    "snr_db": Option(
        float, None, "signal-to-noise ratio in dB; leave out for clean signals", unit="dB"
    ),
    "noise": Option(
        list,
        ["baseline", "powerline", "emg"],
        "noise types: baseline, powerline, emg, motion, pops",
        item=str,
    ),
    "powerline_hz": Option(float, 50.0, "mains frequency in Hz", choices=(50.0, 60.0), unit="Hz"),
    "ectopic_rate": Option(float, 0.0, "probability of a premature beat", min=0.0, max=0.3),
    "ptt": Option(
        float, 0.25, "pulse arrival time, R peak to PPG upstroke, in s", min=0.05, unit="s"
    ),
    "eeg_channels": Option(int, 32, "number of EEG channels (10-20 names)", min=1, max=64),
    "truth": Option(bool, True, "also emit BEATS, STATE and MARKERS ground-truth streams"),
    "name_prefix": Option(str, "sim", "streams are named <name_prefix>-<TYPE>"),
    "ecg_rate": _rate(500.0, "ECG"),
    "ppg_rate": _rate(100.0, "PPG"),
    "eda_rate": _rate(50.0, "EDA"),
    "rsp_rate": _rate(50.0, "RSP"),
    "eeg_rate": _rate(256.0, "EEG"),
    "radar_rate": _rate(100.0, "radar I/Q"),
    "face_rate": _rate(30.0, "facial action unit"),
    "state_rate": _rate(1.0, "STATE ground-truth"),
}


@heartmind.hookimpl
def heartmind_sensors() -> Iterator[SensorSpec]:
    """Declare the ``simulator`` sensor."""
    yield SensorSpec(
        name="simulator",
        produces=(*_MODALITIES, "BEATS", "STATE", "MARKERS"),
        factory=_open,
        options=OPTIONS,
        description="Simulated participant: a scripted affective state drives ECG, PPG, EDA, "
        "respiration, EEG, radar, face, keyboard and mouse streams with ground truth.",
    )


def _open(**options: Any) -> Sensor:
    from ._sensor import SimulatorSensor

    return SimulatorSensor(**options)


@heartmind.hookimpl
def heartmind_commands() -> Iterator[CommandSpec]:
    """Declare ``heartmind simulate`` (simulated devices as real LSL outlets)."""
    from ._cli import configure, run

    yield CommandSpec(
        name="simulate",
        factory=run,
        configure=configure,
        description="publish a simulated participant (ecg ppg eeg eda rsp radar face keys "
        "mouse + ground truth) as LSL outlets",
    )
