"""Built-in ``physio`` plugin: PPG pulses and pulse rate, EDA (tonic, phasic, SCRs), breathing.

Importing this package is cheap: it declares specs only; scipy loads when a processor is
built, neurokit2 only for the ``neurokit``/``elgendi``/``median`` offline methods.

Offline functions (NeuroKit2-shaped), each running the same code as its processor, are in
:mod:`heartmind.plugins.physio.api`; this package re-exports them lazily::

    from heartmind.plugins.physio import ppg_peaks, ppg_rate
    from heartmind.plugins.physio import eda_process, eda_phasic
    from heartmind.plugins.physio import rsp_peaks, rsp_rate

Events: ``heart_beat``, ``heart_rate``, ``hrv`` (pulse-rate variability, ``stream`` = the
PPG stream), and the plugin's own ``skin_conductance``, ``scr`` and ``respiration_rate``
(:mod:`heartmind.plugins.physio.events`, registered when the plugin loads).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import heartmind
from heartmind import Option, ProcessorSpec

from . import events as events  # registers respiration_rate, skin_conductance, scr

if TYPE_CHECKING:
    from ._processors import EDAProcessor, PPGProcessor, RespirationProcessor

__all__ = ["EDA_OPTIONS", "PPG_OPTIONS", "RSP_OPTIONS", "heartmind_processors"]

#: What :mod:`.api` exports (its ``__all__``; a test keeps the two equal), re-exported
#: lazily by :func:`__getattr__`.
_API = (
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
)


def __getattr__(name: str) -> Any:
    """Lazily re-export the :mod:`.api` names (``from heartmind.plugins.physio import ...``)."""
    if name in _API:
        return getattr(importlib.import_module(".api", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_CHANNEL = Option(str, "", "channel label, or its index as a string; default: first channel")

#: Options of the ``ppg-rate`` processor.
PPG_OPTIONS: dict[str, Option] = {
    "hr_interval": Option(float, 1.0, "seconds between HeartRate events (s)", min=0.05, unit="s"),
    "hr_window": Option(
        float, 10.0, "pulse-rate trailing window (s)", min=1.0, max=600.0, unit="s"
    ),
    "hrv_interval": Option(
        float, 30.0, "seconds between HRV (PRV) events; 0 = off (s)", min=0, unit="s"
    ),
    "hrv_window": Option(float, 60.0, "PRV window (s)", min=10.0, max=3600.0, unit="s"),
    "channel": _CHANNEL,
}
#: Options of the ``respiration`` processor.
RSP_OPTIONS: dict[str, Option] = {
    "interval": Option(float, 5.0, "seconds between RespirationRate events (s)", min=0.1, unit="s"),
    "window": Option(
        float, 30.0, "breathing-rate trailing window (s)", min=5.0, max=600.0, unit="s"
    ),
    "channel": _CHANNEL,
}
#: Options of the ``eda`` processor.
EDA_OPTIONS: dict[str, Option] = {
    "interval": Option(
        float, 1.0, "seconds between SkinConductance events (s)", min=0.05, unit="s"
    ),
    "window": Option(float, 60.0, "SCR-rate trailing window (s)", min=5.0, max=3600.0, unit="s"),
    "tonic_window": Option(
        float, 8.0, "trailing window of the tonic minimum (s)", min=1.0, unit="s"
    ),
    "min_amplitude": Option(float, 0.02, "smallest SCR amplitude (µS)", min=0.001, unit="µS"),
    "min_slope": Option(float, 0.05, "slope that starts an SCR (µS/s)", min=0.0, unit="µS/s"),
    "channel": _CHANNEL,
}


def _build_ppg(**options: Any) -> PPGProcessor:
    from ._processors import PPGProcessor

    return PPGProcessor(**options)


def _build_rsp(**options: Any) -> RespirationProcessor:
    from ._processors import RespirationProcessor

    return RespirationProcessor(**options)


def _build_eda(**options: Any) -> EDAProcessor:
    from ._processors import EDAProcessor

    return EDAProcessor(**options)


@heartmind.hookimpl
def heartmind_processors() -> Iterator[ProcessorSpec]:
    """Declare ``ppg-rate`` (PPG), ``respiration`` (RSP) and ``eda`` (EDA)."""
    yield ProcessorSpec(
        name="ppg-rate",
        inputs=("PPG",),
        outputs=("heart_beat", "heart_rate", "hrv"),
        factory=_build_ppg,
        options=PPG_OPTIONS,
        description="Causal PPG pulse detection (steepest upstroke), pulse rate and PRV.",
    )
    yield ProcessorSpec(
        name="respiration",
        inputs=("RSP",),
        outputs=("respiration_rate",),
        factory=_build_rsp,
        options=RSP_OPTIONS,
        description="Causal breath detection and breathing rate (breaths/min).",
    )
    yield ProcessorSpec(
        name="eda",
        inputs=("EDA",),
        outputs=("skin_conductance", "scr"),
        factory=_build_eda,
        options=EDA_OPTIONS,
        description="Causal tonic/phasic EDA split, SCR detection (onset, peak, µS, rise).",
    )
