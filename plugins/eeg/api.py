"""The eeg plugin's public API: offline functions (NeuroKit2/MNE-shaped) and public classes.

    from heartmind.plugins.eeg.api import eeg_bandpower, eeg_filter, frontal_asymmetry
    from heartmind.plugins.eeg.api import standard_name

:class:`EEGBandsProcessor` is the ``eeg-bands`` processor; it computes exactly the
windows of :func:`eeg_bandpower`.
"""

from __future__ import annotations

from ._band_power import BANDS, FAA_PAIRS, eeg_bandpower, eeg_filter, frontal_asymmetry
from ._band_power_processor import EEGBandsProcessor
from ._channel_names import OLD_TO_NEW, find_channel, standard_name

__all__ = [
    "BANDS",
    "FAA_PAIRS",
    "OLD_TO_NEW",
    "EEGBandsProcessor",
    "eeg_bandpower",
    "eeg_filter",
    "find_channel",
    "frontal_asymmetry",
    "standard_name",
]
