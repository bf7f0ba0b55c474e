"""Built-in ``cardiac`` plugin: R-peak detection and heart rate from ECG streams.

Importing this package is cheap: it declares specs only. The detector (scipy) loads when
the ``heart-rate`` processor is built; neurokit2 only for ``ecg_peaks(method="neurokit")``.

Offline functions (NeuroKit2-shaped) live in :mod:`heartmind.plugins.cardiac.ecg`::

    from heartmind.plugins.cardiac.ecg import ecg_peaks
    peaks, info = ecg_peaks(ecg, sampling_rate=250)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import heartmind
from heartmind import Option, ProcessorSpec

if TYPE_CHECKING:
    from .processor import HeartRateProcessor

__all__ = ["heartmind_processors"]

#: Options of the ``heart-rate`` processor.
HEART_RATE_OPTIONS: dict[str, Option] = {
    "hr_interval": Option(
        float, 1.0, "seconds of sample time between HeartRate events (s)", min=0.05, max=3600.0
    ),
    "hr_window": Option(
        float, 10.0, "trailing window the heart rate is averaged over (s)", min=1.0, max=600.0
    ),
    "channel": Option(
        str, "", "ECG channel label, or its index as a string ('0'); default: first channel"
    ),
}


def _heart_rate(*, hr_interval: float, hr_window: float, channel: str) -> HeartRateProcessor:
    from .processor import HeartRateProcessor

    return HeartRateProcessor(hr_interval=hr_interval, hr_window=hr_window, channel=channel)


@heartmind.hookimpl
def heartmind_processors() -> Iterator[ProcessorSpec]:
    """Declare the ``heart-rate`` processor (ECG → ``heart_beat``, ``heart_rate``)."""
    yield ProcessorSpec(
        name="heart-rate",
        inputs=("ECG",),
        outputs=("heart_beat", "heart_rate"),
        factory=_heart_rate,
        options=HEART_RATE_OPTIONS,
        description=(
            "Causal R-peak detection (Pan–Tompkins family, ~0.2 s delay) and heart rate "
            "over a trailing window, per ECG stream."
        ),
    )
