"""The physio plugin's public API: offline functions (NeuroKit2-shaped) and public classes.

Each offline function runs the same streaming code as its processor::

    from heartmind.plugins.physio.api import ppg_peaks, ppg_rate
    from heartmind.plugins.physio.api import eda_process, eda_phasic
    from heartmind.plugins.physio.api import rsp_peaks, rsp_rate

Streaming classes: :class:`PPGDetector`, :class:`BreathDetector` and
:class:`EDAAnalyzer` (the cores of the processors), :class:`BreathRateEvents` (breath
times → ``RespirationRate`` events; the radar plugin uses it), and the processors
:class:`PPGProcessor`, :class:`RespirationProcessor` and :class:`EDAProcessor`.
"""

from __future__ import annotations

from heartmind.streaming import windowed_rate

from ._breath_rate import BreathRateEvents
from ._eda import EDA_PHASIC_METHODS, EDAAnalyzer, EDAOutput, eda_phasic, eda_process
from ._ppg import PPG_PEAK_METHODS, PPGDetector, ppg_peaks, ppg_rate
from ._processors import EDAProcessor, PPGProcessor, RespirationProcessor, prv_time_domain
from ._rsp import RSP_METHODS, BreathDetector, rsp_peaks, rsp_rate

__all__ = [
    "EDA_PHASIC_METHODS",
    "PPG_PEAK_METHODS",
    "RSP_METHODS",
    "BreathDetector",
    "BreathRateEvents",
    "EDAAnalyzer",
    "EDAOutput",
    "EDAProcessor",
    "PPGDetector",
    "PPGProcessor",
    "RespirationProcessor",
    "eda_phasic",
    "eda_process",
    "ppg_peaks",
    "ppg_rate",
    "prv_time_domain",
    "rsp_peaks",
    "rsp_rate",
    "windowed_rate",
]
