"""heartmind: a plugin-based SDK for multimodal affective and cardiac computing.

The public API is what ``__all__`` lists; everything else may change between versions.
Importing heartmind is cheap: optional dependencies (pylsl, torch, mne, …) load only when
a feature that needs them is used.
"""

from __future__ import annotations

from importlib import metadata as _metadata

from .clock import Clock, RealClock, VirtualClock, local_clock
from .components import Consumer, Context, Output, Processor, Sensor
from .errors import (
    ChunkError,
    ConfigError,
    EventError,
    HeartmindError,
    MissingExtraError,
    PluginError,
    SessionError,
)
from .events import (
    HRV,
    CalendarChange,
    Dropped,
    Emotion,
    Event,
    Gap,
    HeartBeat,
    HeartRate,
    Marker,
    SignalQuality,
    Stress,
    event_from_dict,
    event_from_json,
    event_types,
    quantity,
)
from .hookspecs import hookimpl, hookspec
from .pipeline import Pipeline
from .plugin_manager import PluginManager, PluginRecord
from .session import Session
from .specs import CommandSpec, ConsumerSpec, ModelSpec, Option, ProcessorSpec, SensorSpec
from .streams import Chunk, StreamInfo

try:
    __version__ = _metadata.version("heartmind")
except _metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

__all__ = [
    "HRV",
    "CalendarChange",
    "Chunk",
    "ChunkError",
    "Clock",
    "CommandSpec",
    "ConfigError",
    "Consumer",
    "ConsumerSpec",
    "Context",
    "Dropped",
    "Emotion",
    "Event",
    "EventError",
    "Gap",
    "HeartBeat",
    "HeartRate",
    "HeartmindError",
    "Marker",
    "MissingExtraError",
    "ModelSpec",
    "Option",
    "Output",
    "Pipeline",
    "PluginError",
    "PluginManager",
    "PluginRecord",
    "Processor",
    "ProcessorSpec",
    "RealClock",
    "Sensor",
    "SensorSpec",
    "Session",
    "SessionError",
    "SignalQuality",
    "StreamInfo",
    "Stress",
    "VirtualClock",
    "__version__",
    "event_from_dict",
    "event_from_json",
    "event_types",
    "hookimpl",
    "hookspec",
    "local_clock",
    "quantity",
]
