"""Built-in ``eeg`` plugin: band powers per channel and frontal alpha asymmetry (via MNE).

Importing this package is cheap: it declares specs only; mne loads when the ``eeg-bands``
processor first computes a spectrum (``heartmind[signal]`` extra).

Offline functions::

    from heartmind.plugins.eeg.bands import eeg_bandpower, eeg_filter, frontal_asymmetry
    from heartmind.plugins.eeg.channels import standard_name
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import heartmind
from heartmind import Option, ProcessorSpec

from . import events as events  # registers the plugin's event types at load

if TYPE_CHECKING:
    from .processor import EEGBandsProcessor

__all__ = ["EEG_OPTIONS", "heartmind_processors"]

#: Options of the ``eeg-bands`` processor.
EEG_OPTIONS: dict[str, Option] = {
    "window": Option(float, 4.0, "window length (s)", min=1.0, max=60.0, unit="s"),
    "step": Option(float, 1.0, "step between windows (s)", min=0.05, max=60.0, unit="s"),
    "asymmetry": Option(str, "auto", "frontal alpha asymmetry", choices=("auto", "on", "off")),
}


def _bands(*, window: float, step: float, asymmetry: str) -> EEGBandsProcessor:
    from .processor import EEGBandsProcessor

    return EEGBandsProcessor(window=window, step=step, asymmetry=asymmetry)


@heartmind.hookimpl
def heartmind_processors() -> Iterator[ProcessorSpec]:
    """Declare the ``eeg-bands`` processor (EEG → ``band_power``, ``alpha_asymmetry``)."""
    yield ProcessorSpec(
        name="eeg-bands",
        inputs=("EEG",),
        outputs=("band_power", "alpha_asymmetry"),
        factory=_bands,
        options=EEG_OPTIONS,
        description="Welch band powers (delta–gamma, absolute µV² and relative) per channel "
        "and frontal alpha asymmetry (ln F4 − ln F3 alpha) in sliding windows.",
    )
