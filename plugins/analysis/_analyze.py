"""``analyze``: the streaming processors over a whole recording, on a virtual clock.

The recording is opened with :func:`heartmind.io.open_recording` and played by a
:class:`heartmind.io.RecordingSensor` (the ``replay`` sensor's class) into a virtual-clock
:class:`~heartmind.Session` with the processors of the modalities present, so every event
equals what a live session on the same data reports; an :class:`~._collect.EventCollector`
writes ``events.jsonl`` and keeps the events for the summary and plots.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from heartmind import __version__
from heartmind.errors import ConfigError, SessionError
from heartmind.io import Recording, RecordingSensor, Track, open_recording
from heartmind.plugin_manager import PluginManager

from ._collect import EventCollector
from ._summary import summarise, write_summary

__all__ = [
    "ANALYSED_TYPES",
    "PROCESSORS",
    "AnalysisResult",
    "analysable",
    "analyze",
    "load_recording",
    "run_processors",
]

log = logging.getLogger(__name__)

#: Stream types that have an analysis (and the processors that do it, see ``PROCESSORS``).
ANALYSED_TYPES: tuple[str, ...] = ("ECG", "PPG", "EDA", "RSP", "EEG", "RADAR")

#: Processor specs run for each stream type (those whose plugin is missing are skipped).
PROCESSORS: dict[str, tuple[str, ...]] = {
    "ECG": ("heart-rate",),
    "PPG": ("ppg-rate",),
    "RSP": ("respiration",),
    "EDA": ("eda",),
    "EEG": ("eeg-bands",),
    "RADAR": ("radar-vitals",),
}
#: Stream types whose beats feed the ``hrv`` processor.
BEAT_TYPES = ("ECG", "PPG", "RADAR")

#: ``progress(done_s, total_s)``, called about every 0.1 s of wall time.
Progress = Callable[[float, float], None]


@dataclass
class AnalysisResult:
    """What :func:`analyze` produced (``recording``: the file as opened, with its real
    start time)."""

    out: Path
    tracks: list[Track]
    collector: EventCollector
    rows: list[dict[str, Any]]
    processors: list[str]
    files: list[Path] = field(default_factory=list)
    wall_s: float = 0.0
    recording: Recording | None = None


def load_recording(
    path: str | Path,
    *,
    select: Sequence[str] = (),
    rate: float | None = None,
    default_type: str = "ECG",
) -> Recording:
    """Open a recording to analyse (:func:`heartmind.io.open_recording`).

    Parameters
    ----------
    path
        ``.xdf``, ``.edf``, ``.bdf``, ``.fif(.gz)``, ``.csv`` or a WFDB record.
    select
        Names or types of the streams to keep (all when empty).
    rate
        CSV only: sampling rate in Hz when the file has no time column.
    default_type
        CSV/WFDB: type of channels whose name does not tell it.

    Raises
    ------
    ConfigError
        Missing or unreadable file, or no stream matches ``select``
        (:class:`heartmind.io.RecordingError`).
    """
    return open_recording(path, select=list(select), rate=rate, default_type=default_type)


def analysable(tracks: Sequence[Track]) -> list[Track]:
    """The regularly sampled numeric tracks of a type with an analysis."""
    return [
        t
        for t in tracks
        if t.info.type in ANALYSED_TYPES
        and t.info.rate > 0
        and t.info.dtype != "string"
        and not t.info.shape
        and t.timestamps.size > 1
    ]


def run_processors(
    tracks: Sequence[Track],
    events_path: Path | None,
    *,
    plugins: PluginManager | None = None,
    options: Mapping[str, Mapping[str, Any]] | None = None,
    chunk_duration: float = 10.0,
    progress: Progress | None = None,
) -> tuple[EventCollector, list[str]]:
    """Play ``tracks`` through the processors on a virtual clock; return the collected
    events and the names of the processors that ran.

    ``options`` maps a processor spec name to its options (e.g. ``{"heart-rate":
    {"powerline": 60}}``). Processor errors are logged and raise :class:`SessionError`.
    """
    from heartmind.session import Session

    manager = plugins or PluginManager()
    available = manager.processors()
    session = Session(clock="virtual", plugins=manager)
    sensor = RecordingSensor(tracks, chunk_duration=chunk_duration, who="analyze")
    session.add_sensor(sensor, name="recording")
    types = {t.info.type for t in tracks}
    names = [p for kind in ANALYSED_TYPES if kind in types for p in PROCESSORS[kind]]
    if types & set(BEAT_TYPES):
        names.append("hrv")
    ran = []
    for name in names:
        if name not in available:
            log.warning("analyze: no plugin provides the processor %r; skipped", name)
            continue
        session.add_processor(name, name=name, **dict((options or {}).get(name, {})))
        ran.append(name)
    collector = EventCollector(events_path)
    session.add_consumer(collector, name="analysis")
    _run(session, sensor, progress)
    for name, st in session.stats()["processors"].items():
        if st["errors"]:
            raise SessionError(
                f"analyze: processor {name} raised {st['errors']} times; last: "
                f"{st['last_error']}. Run with -v for the traceback, or leave the stream out "
                "with --stream."
            )
    return collector, ran


def _run(session: Any, sensor: RecordingSensor, progress: Progress | None) -> None:
    total = sensor.duration
    session.start()
    try:
        while not session.wait(0.1):
            if progress is not None:
                progress(sensor.position, total)
    finally:
        session.stop()
    if progress is not None:
        progress(total, total)


def _private_dir(out: str | Path) -> Path:
    path = Path(out)
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(path, 0o700)
    except OSError as exc:
        raise ConfigError(
            f"analyze: cannot create the output folder {path}: {exc.strerror}; "
            "choose a writable --out."
        ) from None
    return path


def analyze(
    path: str | Path,
    out: str | Path,
    *,
    streams: Sequence[str] = (),
    rate: float | None = None,
    default_type: str = "ECG",
    options: Mapping[str, Mapping[str, Any]] | None = None,
    chunk_duration: float = 10.0,
    plots: bool = True,
    plugins: PluginManager | None = None,
    progress: Progress | None = None,
) -> AnalysisResult:
    """Analyse a recording and write the report to ``out``.

    Parameters
    ----------
    path
        ``.xdf``, ``.edf``, ``.bdf``, ``.fif``, ``.csv`` or a WFDB record.
    out
        Output folder (created with mode 0700; files 0600).
    streams
        Names or types of the streams to analyse (default: every stream of a type with an
        analysis: ECG, PPG, EDA, RSP, EEG, RADAR).
    rate, default_type
        CSV/WFDB only: sampling rate in Hz (CSV without a time column) and the type of
        channels whose names do not tell it.
    options
        Processor options by spec name.
    chunk_duration
        s of recording per chunk (the results do not depend on it).
    plots
        Write the PNG plots (needs matplotlib, the ``plots`` extra).
    plugins
        Plugin manager to take the processors from (default: a new one).
    progress
        ``progress(done_s, total_s)`` while the processors run.

    Returns
    -------
    AnalysisResult
        Tracks, collected events, summary rows and the files written.
    """
    wall0 = time.perf_counter()
    recording = load_recording(path, select=streams, rate=rate, default_type=default_type)
    tracks = analysable(recording.tracks)
    if not tracks:
        raise ConfigError(
            f"analyze: {path} has no regularly sampled stream of type "
            f"{', '.join(ANALYSED_TYPES)}; name a stream with --stream, or for CSV/WFDB give "
            "its type with --type."
        )
    folder = _private_dir(out)
    collector, ran = run_processors(
        tracks,
        folder / "events.jsonl",
        plugins=plugins,
        options=options,
        chunk_duration=chunk_duration,
        progress=progress,
    )
    rows = summarise(tracks, collector)
    meta = {"file": str(path), "heartmind_version": __version__, "processors": ran}
    result = AnalysisResult(folder, tracks, collector, rows, ran, recording=recording)
    result.files = [folder / "events.jsonl", *write_summary(rows, folder, meta)]
    if plots:
        from ._plot_report import plot_all

        result.files.extend(plot_all(tracks, collector, folder))
    result.wall_s = time.perf_counter() - wall0
    return result
