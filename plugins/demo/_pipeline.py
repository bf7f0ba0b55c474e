"""The demo pipeline: one simulated participant through every built-in model.

    simulator (ECG, PPG, EDA, RSP, KEYS, MOUSE + ground truth)
      -> heart-rate (ECG: beats, rate, quality) -> hrv -> stress -> fusion -> calendar
      -> ppg-rate (PPG: pulse rate, PRV)         -> heart-emotion (ECG beats) -> fusion
      -> eda, respiration                        -> stress (EDA)
      -> behaviour-emotion (KEYS, MOUSE)         -> fusion
    every stream and event -> xdf-recorder (demo.xdf) and jsonl (events.jsonl)

Two processors take events from one producer only (``"topic@source"`` selectors), because
routing by topic alone would feed them more than they should see: ``heart-emotion`` gets
the ECG beats of ``heart-rate`` only (the PPG pulses are a second estimate of the same
heart), and ``calendar`` gets the *fused* stress only (the per-modality estimates would make
its hysteresis flicker).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from heartmind.adapters.calendar.api import sample_calendar
from heartmind.plugin_manager import PluginManager
from heartmind.session import Session

__all__ = [
    "DEMO_START",
    "DemoConfig",
    "DemoPipeline",
    "build_session",
    "calendar_path",
    "state_path",
]

log = logging.getLogger(__name__)

#: UTC of virtual time 0: 08:00 in Berlin on the day of the bundled sample calendar.
DEMO_START = "2026-11-24T07:00:00Z"
#: Modalities the simulated participant produces.
MODALITIES = ("ECG", "PPG", "EDA", "RSP", "KEYS", "MOUSE")
#: Name of the sensor; its streams are ``sim-ECG``, ``sim-PPG``, …
SENSOR = "participant"
#: Heart-emotion model: the linear HRV model (the GRU costs ~10 ms per 1 Hz step).
EMOTION_MODEL = "hrv-linear-synthetic"


def state_path() -> str:
    """Path of the bundled demo state script (four hours, a crunch in the middle)."""
    return str(resources.files(__package__).joinpath("data", "demo-workday.toml"))


def calendar_path() -> str:
    """Path of the calendar adapter's bundled sample calendar (Tuesday 2026-11-24)."""
    return str(sample_calendar())


@dataclass(frozen=True)
class DemoConfig:
    """What one demo run does.

    Attributes
    ----------
    out
        Output folder.
    duration
        Sample time to run, in s.
    realtime
        Run on the LSL clock, paced by the wall clock (else virtual, as fast as possible).
    seed
        Random seed of the simulated participant.
    start
        UTC of virtual time 0 (ISO 8601); ignored in real time.
    state
        State script (bundled name or TOML path) driving the participant.
    ics
        Calendar the ``calendar`` processor plans on (never written: apply is off).
    chunk_duration
        Length of each simulated chunk, in s (never changes the samples).
    """

    out: Path
    duration: float
    realtime: bool = False
    seed: int = 7
    start: str = DEMO_START
    state: str = ""
    ics: str = ""
    chunk_duration: float = 5.0

    @property
    def xdf(self) -> Path:
        """The XDF recording."""
        return self.out / "demo.xdf"

    @property
    def events(self) -> Path:
        """The JSON-lines event log."""
        return self.out / "events.jsonl"


@dataclass(frozen=True)
class DemoPipeline:
    """The built session and the live calendar processor inside it."""

    session: Session
    calendar: Any


def build_session(config: DemoConfig, manager: PluginManager) -> DemoPipeline:
    """The demo session, built but not started.

    Parameters
    ----------
    config
        Output folder, duration (s), clock, seed, start, state script and calendar.
    manager
        Plugin manager the specs come from.

    Returns
    -------
    DemoPipeline
        The session with sensors, processors and consumers in place (subscribe before
        ``start()``), and the ``calendar`` processor (for its policy options).
    """
    session = Session(
        clock="realtime" if config.realtime else "virtual",
        start=None if config.realtime else config.start,
        seed=config.seed,
        duration=config.duration,
        plugins=manager,
    )
    session.add_sensor(
        "simulator",
        name=SENSOR,
        modalities=list(MODALITIES),
        state=config.state or state_path(),
        chunk_duration=config.chunk_duration,
        ecg_rate=250.0,
        truth=True,
    )
    session.add_processor("heart-rate", quality_interval=30.0)
    session.add_processor("hrv")
    session.add_processor("ppg-rate")
    session.add_processor("eda")
    session.add_processor("respiration")
    session.add_processor(
        "heart-emotion", model=EMOTION_MODEL, input_types=(), events=["heart_beat@heart-rate"]
    )
    session.add_processor("behaviour-emotion")
    session.add_processor("stress")
    session.add_processor("fusion")
    calendar = session.add_processor(
        "calendar",
        ics=config.ics or calendar_path(),
        apply=False,
        input_types=(),
        events=["stress@fusion"],
    )
    session.add_consumer("xdf-recorder", path=str(config.xdf), overwrite=True)
    session.add_consumer("jsonl", path=str(config.events))
    return DemoPipeline(session, calendar)
