"""``heartmind.streaming``: the kit for streaming processors of sampled signals.

Every signal plugin (cardiac, physio, eeg, radar) and third-party processors build on it:

* :class:`StreamProcessor` — base class of per-stream processors (chunk → blocks, one
  state per stream, irregular streams skipped, gap reset after :data:`GAP_RESET` s);
* :class:`Timeline` — absolute sample index → timestamp of one stream;
* :class:`RingBuffer` — the last N samples of a signal by absolute index;
* :class:`Ticks` — the grid of sample times on which periodic events are reported;
* :class:`CausalPeakPicker` — streaming local maxima with an adaptive threshold;
* :class:`BeatEvents` — beat times → ``HeartBeat``/``HeartRate``/``HRV`` events;
  :func:`rr_field` — an interval as ``HeartBeat.rr`` accepts it (its declared range);
* :class:`SOSFilter`, :func:`group_delay`, :func:`group_delay_samples` — causal filtering;
* :func:`run_blocks` — feed a streaming core an array block by block (offline twins);
* :func:`channel_index`, :func:`channel_indices` — the ``channel(s)`` option → columns;
* :func:`check_signal`, :func:`check_rate`, :func:`check_method` — argument checks;
* :func:`windowed_rate`, :func:`instantaneous_rate` — event rates per minute.

Importing the kit loads numpy only; scipy loads when a filter or a peak picker is built.
"""

from __future__ import annotations

from .beat_events import BeatEvents, Variability, rr_field
from .blocks import run_blocks
from .channels import channel_index, channel_indices
from .checks import check_method, check_rate, check_signal
from .filters import SOSFilter, group_delay, group_delay_samples
from .peaks import CausalPeakPicker
from .processor import GAP_RESET, StreamProcessor
from .rates import instantaneous_rate, windowed_rate
from .ring_buffer import RingBuffer
from .ticks import Ticks
from .timeline import Timeline

__all__ = [
    "GAP_RESET",
    "BeatEvents",
    "CausalPeakPicker",
    "RingBuffer",
    "SOSFilter",
    "StreamProcessor",
    "Ticks",
    "Timeline",
    "Variability",
    "channel_index",
    "channel_indices",
    "check_method",
    "check_rate",
    "check_signal",
    "group_delay",
    "group_delay_samples",
    "instantaneous_rate",
    "rr_field",
    "run_blocks",
    "windowed_rate",
]
