"""The radar plugin's public API: offline functions (NeuroKit2-shaped) and public classes.

    from heartmind.plugins.radar.api import radar_process
    out = radar_process(iq, sampling_rate=100, carrier_ghz=24)

    from heartmind.plugins.radar.api import fit_iq_correction, radar_displacement

:class:`RadarVitals` is the streaming core of :func:`radar_process` and of the
``radar-vitals`` processor (:class:`RadarVitalsProcessor`).
"""

from __future__ import annotations

from ._iq_demodulation import (
    IQ_METHODS,
    IQCorrection,
    fit_iq_correction,
    radar_displacement,
    wavelength_mm,
)
from ._vital_signs import RadarOutput, RadarVitals, cardiac_spectrum_quality
from ._vitals_offline import radar_process
from ._vitals_processor import RadarVitalsProcessor

__all__ = [
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
]
