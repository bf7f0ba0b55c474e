"""heartmind-csv: stream a CSV file of samples as a heartmind sensor, and measure its RMS.

A worked example of a third-party heartmind plugin. This module — registered under the
``heartmind`` entry-point group in ``pyproject.toml`` — holds the hook implementations:
the ``csv-file`` sensor and the ``signal-rms`` processor. The factories import
``_sensor.py`` and ``_rms.py`` only when a session builds them (so ``heartmind plugins``
stays fast); ``events.py`` holds the plugin's event type, ``signal_rms``, registered when
the plugin loads; ``api.py`` the offline twin of the processor.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import heartmind
from heartmind import Option, ProcessorSpec, SensorSpec

from . import events as events  # registers the signal_rms event type

__all__ = ["heartmind_processors", "heartmind_sensors", "sample_path"]

__version__ = "0.1.0"


@heartmind.hookimpl
def heartmind_sensors() -> Iterator[SensorSpec]:
    """Declare the ``csv-file`` sensor."""
    yield SensorSpec(
        name="csv-file",
        produces=("*",),
        factory=_open,
        description="Stream a CSV file of samples (first column time in s, or a fixed rate).",
        options={
            "path": Option(str, help="CSV file to stream"),
            "type": Option(str, "ECG", help="stream type, e.g. ECG, PPG, EDA (upper-cased)"),
            "rate": Option(
                float, 0.0, min=0.0, help="sampling rate in Hz; 0 = times from the first column"
            ),
            "units": Option(
                str, "a.u.", help="unit of the channels, or one per channel separated by commas"
            ),
            # not "name": Session.add_sensor(..., name=...) is the component's instance name
            "stream_name": Option(str, "", help="stream name (default: the file name, no suffix)"),
            "chunk_duration": Option(
                float, 0.25, min=0.001, max=3600.0, help="length of each chunk in s"
            ),
        },
    )


def _open(
    *, path: str, type: str, rate: float, units: str, stream_name: str, chunk_duration: float
) -> heartmind.Sensor:
    from ._sensor import CsvFileSensor  # the parser loads only when a sensor is built

    return CsvFileSensor(
        path=path,
        type=type,
        rate=rate,
        units=units,
        name=stream_name,
        chunk_duration=chunk_duration,
    )


@heartmind.hookimpl
def heartmind_processors() -> Iterator[ProcessorSpec]:
    """Declare the ``signal-rms`` processor."""
    yield ProcessorSpec(
        name="signal-rms",
        inputs=("*",),
        outputs=("signal_rms",),
        factory=_build_rms,
        description="RMS of every channel of a regularly sampled stream, per window.",
        options={"window": Option(float, 1.0, "window length (s)", min=0.01, max=3600.0)},
    )


def _build_rms(*, window: float) -> heartmind.Processor:
    from ._rms import RMSProcessor  # numpy work loads only when a processor is built

    return RMSProcessor(window=window)


def sample_path() -> Path:
    """Path of the bundled sample: 10 s of a synthetic ECG-like signal at 250 Hz, in mV.

    Columns ``time`` (s) and ``ECG`` (mV); made by ``make_sample.py`` in the source tree.
    """
    return Path(str(resources.files(__name__) / "data" / "ecg_250hz.csv"))
