"""Built-in ``eeg`` plugin: band powers per channel and frontal alpha asymmetry (via MNE).

Importing this package is cheap: it declares specs only; mne loads when the ``eeg-bands``
processor first computes a spectrum (``heartmind[signal]`` extra).

Offline functions are in :mod:`heartmind.plugins.eeg.api`; this package re-exports them
lazily::

    from heartmind.plugins.eeg import eeg_bandpower, eeg_filter, frontal_asymmetry
    from heartmind.plugins.eeg import standard_name

Events: ``band_power`` and ``alpha_asymmetry`` (:mod:`heartmind.plugins.eeg.events`,
registered when the plugin loads).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import heartmind
from heartmind import Option, ProcessorSpec

from . import events as events  # registers band_power and alpha_asymmetry

if TYPE_CHECKING:
    from ._band_power_processor import EEGBandsProcessor

__all__ = ["EEG_OPTIONS", "heartmind_processors"]

#: What :mod:`.api` exports (its ``__all__``; a test keeps the two equal), re-exported
#: lazily by :func:`__getattr__`.
_API = (
    "BANDS",
    "FAA_PAIRS",
    "OLD_TO_NEW",
    "EEGBandsProcessor",
    "eeg_bandpower",
    "eeg_filter",
    "find_channel",
    "frontal_asymmetry",
    "standard_name",
)


def __getattr__(name: str) -> Any:
    """Lazily re-export the :mod:`.api` names (``from heartmind.plugins.eeg import ...``)."""
    if name in _API:
        return getattr(importlib.import_module(".api", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: Options of the ``eeg-bands`` processor.
EEG_OPTIONS: dict[str, Option] = {
    "window": Option(float, 4.0, "window length (s)", min=1.0, max=60.0, unit="s"),
    "step": Option(float, 1.0, "step between windows (s)", min=0.05, max=60.0, unit="s"),
    "asymmetry": Option(str, "auto", "frontal alpha asymmetry", choices=("auto", "on", "off")),
}


def _build_bands(*, window: float, step: float, asymmetry: str) -> EEGBandsProcessor:
    from ._band_power_processor import EEGBandsProcessor

    return EEGBandsProcessor(window=window, step=step, asymmetry=asymmetry)


@heartmind.hookimpl
def heartmind_processors() -> Iterator[ProcessorSpec]:
    """Declare the ``eeg-bands`` processor (EEG → ``band_power``, ``alpha_asymmetry``)."""
    yield ProcessorSpec(
        name="eeg-bands",
        inputs=("EEG",),
        outputs=("band_power", "alpha_asymmetry"),
        factory=_build_bands,
        options=EEG_OPTIONS,
        description="Welch band powers (delta–gamma, absolute µV² and relative) per channel "
        "and frontal alpha asymmetry (ln F4 − ln F3 alpha) in sliding windows.",
    )
