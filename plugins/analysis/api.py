"""Offline analysis of a recording (the ``analysis`` plugin's public API).

    from heartmind.plugins.analysis.api import analyze

    result = analyze("session.xdf", "report/", streams=["ECG"])
    result.rows[0]["hrv"]["rmssd_ms"]

:func:`analyze` writes the whole report; :func:`run_processors` plays tracks through the
streaming processors and collects the events; :func:`summarise` turns them into the
summary rows. See ``docs/analyze.md``.
"""

from __future__ import annotations

from ._analyze import (
    ANALYSED_TYPES,
    PROCESSORS,
    AnalysisResult,
    analysable,
    analyze,
    load_recording,
    run_processors,
)
from ._collect import Columns, EventCollector
from ._summary import HRV_KEYS, beat_intervals, hrv_of, summarise, write_summary

__all__ = [
    "ANALYSED_TYPES",
    "HRV_KEYS",
    "PROCESSORS",
    "AnalysisResult",
    "Columns",
    "EventCollector",
    "analysable",
    "analyze",
    "beat_intervals",
    "hrv_of",
    "load_recording",
    "run_processors",
    "summarise",
    "write_summary",
]
