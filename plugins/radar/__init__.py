"""Built-in ``radar`` plugin: contactless vital signs from continuous-wave Doppler radar.

Importing this package is cheap: it declares specs only; scipy loads when the
``radar-vitals`` processor is built.

Offline functions (NeuroKit2-shaped) are in :mod:`heartmind.plugins.radar.api`; this
package re-exports them lazily::

    from heartmind.plugins.radar import radar_process
    from heartmind.plugins.radar import fit_iq_correction, radar_displacement
    out = radar_process(iq, sampling_rate=100, carrier_ghz=24)

Events: the core ``HeartBeat``, ``HeartRate`` and ``SignalQuality`` and the physio
plugin's ``RespirationRate`` (:mod:`heartmind.plugins.physio.events`); the plugin defines
no event type of its own.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import heartmind
from heartmind import Option, ProcessorSpec
from heartmind.plugins.physio import events as _physio_events  # noqa: F401 - respiration_rate

if TYPE_CHECKING:
    from ._vitals_processor import RadarVitalsProcessor

__all__ = ["RADAR_OPTIONS", "heartmind_processors"]

#: What :mod:`.api` exports (its ``__all__``; a test keeps the two equal), re-exported
#: lazily by :func:`__getattr__`.
_API = (
    "IQ_METHODS",
    "IQCorrection",
    "RadarOutput",
    "RadarVitals",
    "RadarVitalsProcessor",
    "cardiac_spectrum_quality",
    "fit_iq_correction",
    "radar_displacement",
    "radar_process",
    "wavelength_mm",
)


def __getattr__(name: str) -> Any:
    """Lazily re-export the :mod:`.api` names (``from heartmind.plugins.radar import ...``)."""
    if name in _API:
        return getattr(importlib.import_module(".api", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: Options of the ``radar-vitals`` processor.
RADAR_OPTIONS: dict[str, Option] = {
    "carrier_ghz": Option(
        float,
        0.0,
        "carrier frequency (GHz); 0 = from the stream meta, else 24",
        min=0.0,
        unit="GHz",
    ),
    "method": Option(str, "ellipse", "I/Q correction", choices=("ellipse", "circle", "none")),
    "calibration": Option(
        float, 10.0, "I/Q fitted on the first seconds (s)", min=1.0, max=600.0, unit="s"
    ),
    "hr_interval": Option(float, 1.0, "seconds between HeartRate events (s)", min=0.05, unit="s"),
    "hr_window": Option(
        float, 10.0, "heart-rate trailing window (s)", min=1.0, max=600.0, unit="s"
    ),
    "breath_interval": Option(
        float, 5.0, "seconds between RespirationRate events (s)", min=0.1, unit="s"
    ),
    "breath_window": Option(float, 30.0, "breathing-rate trailing window (s)", min=5.0, unit="s"),
    "quality_interval": Option(
        float, 5.0, "seconds between SignalQuality events (s)", min=0.5, unit="s"
    ),
    "quality_window": Option(float, 10.0, "window of the quality spectrum (s)", min=4.0, unit="s"),
    "channels": Option(list, [], "labels of the I and Q channels; default: first two", item=str),
}


def _build_radar_vitals(**options: Any) -> RadarVitalsProcessor:
    from ._vitals_processor import RadarVitalsProcessor

    return RadarVitalsProcessor(**options)


@heartmind.hookimpl
def heartmind_processors() -> Iterator[ProcessorSpec]:
    """Declare the ``radar-vitals`` processor (RADAR → beats, rates, quality)."""
    yield ProcessorSpec(
        name="radar-vitals",
        inputs=("RADAR",),
        outputs=("heart_beat", "heart_rate", "respiration_rate", "signal_quality"),
        factory=_build_radar_vitals,
        options=RADAR_OPTIONS,
        description=(
            "CW radar I/Q: ellipse I/Q correction, arctangent demodulation to chest "
            "displacement (mm), breathing rate, heartbeats and heart rate, cardiac-band quality."
        ),
    )
