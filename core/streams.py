"""Stream metadata (:class:`StreamInfo`) and blocks of samples (:class:`Chunk`).

A chunk is ``n_samples × n_channels`` data plus one timestamp per sample, in seconds on the
session clock (the LSL ``local_clock()`` domain, or the virtual clock of a simulated or
replayed session). Chunks are validated once, when built, and immutable afterwards.

Samples beyond one value per channel (an image, a video frame, a radar cube) use the same
two types: :attr:`StreamInfo.shape` gives the shape of one channel's value in one sample
(``()`` for a scalar, the default), so a chunk's data is
``(n_samples, n_channels, *shape)``; ``axes``, ``spacing``/``spacing_units`` and
``color_space`` describe that shape (see ``docs/architecture.md``, "Data model").
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from .errors import ChunkError, ConfigError

__all__ = ["COLOR_SPACES", "DTYPES", "STREAM_TYPES", "Chunk", "StreamInfo", "channel_index"]

#: Stream types known to heartmind. Plugins may use others (upper-case by convention).
STREAM_TYPES: tuple[str, ...] = (
    "ECG",
    "PPG",
    "EEG",
    "EDA",
    "RSP",
    "RADAR",
    "FACE",
    "KEYS",
    "MOUSE",
    "MARKERS",
    "BEATS",
    "STATE",
    "HR",
    "VIDEO",
    "IMAGE",
)

#: Sample formats a stream can have, named as numpy names them ("string" for markers;
#: ``uint8``/``uint16`` for image pixels).
DTYPES: tuple[str, ...] = (
    *("float32", "float64", "int8", "int16", "int32", "int64", "uint8", "uint16", "string"),
)

#: Colour spaces of image samples and their number of components: the length of the axis
#: named ``"color"`` of ``StreamInfo.shape`` or, without such an axis, the channel count.
COLOR_SPACES: dict[str, int] = {
    "GRAY": 1,
    "RGB": 3,
    "BGR": 3,
    "RGBA": 4,
    "BGRA": 4,
    "YCBCR": 3,
}
#: The axis of ``StreamInfo.axes`` that holds the colour components of an image.
COLOR_AXIS = "color"


@dataclass(frozen=True, slots=True)
class StreamInfo:
    """Description of one stream.

    Parameters
    ----------
    name
        Stream name, unique within a session (e.g. ``"sim-ECG"``).
    type
        Content type, upper case (``"ECG"``, ``"EEG"``, ``"MARKERS"``, …; see ``STREAM_TYPES``).
    channels
        Channel labels, one per column of the data (10–20 names for EEG).
    units
        Unit of each channel (``"mV"``, ``"uV"``, ``"uS"``, ``"a.u."``, ``""`` for markers).
        One string applies to every channel.
    rate
        Nominal sampling rate in Hz; ``0.0`` for irregular streams (markers, key presses).
    dtype
        Sample format, one of ``DTYPES``.
    source_id
        Identifier of the device or process that produced it; keeps a stream recognisable
        across restarts (as LSL's ``source_id``).
    meta
        Free-form extra metadata (device, placement, …); values must be JSON-compatible.
    shape
        Shape of the value of one channel in one sample; ``()`` (the default) for one
        number. An RGB video frame of 48 × 64 pixels is ``shape=(48, 64, 3)`` with one
        channel (or ``(48, 64)`` with channels ``("R", "G", "B")``); an FMCW radar frame of
        64 chirps × 256 fast-time samples per receive antenna is ``shape=(64, 256)`` with
        one channel per antenna (``"rx1-I"``, ``"rx1-Q"``, … for complex samples).
    axes
        One name per axis of ``shape`` (``("y", "x", "color")``, ``("chirp",
        "fast_time")``); default ``axis1``, ``axis2``, … The colour components of an image
        lie along the axis named ``"color"``, or along the channels if there is none.
    spacing
        Distance between neighbouring values along each axis of ``shape`` (mm per pixel,
        s per fast-time sample, …); ``()`` when not known.
    spacing_units
        Unit of each ``spacing`` (``"mm"``, ``"s"``, ``"deg"``); ``""`` where it has none.
    color_space
        ``""`` for non-images, else one of ``COLOR_SPACES`` (``"RGB"``, ``"GRAY"``, …).
    """

    name: str
    type: str
    channels: tuple[str, ...]
    units: tuple[str, ...] | str = "a.u."
    rate: float = 0.0
    dtype: str = "float32"
    source_id: str = ""
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    shape: tuple[int, ...] = field(default=(), kw_only=True)
    axes: tuple[str, ...] = field(default=(), kw_only=True)
    spacing: tuple[float, ...] = field(default=(), kw_only=True)
    spacing_units: tuple[str, ...] = field(default=(), kw_only=True)
    color_space: str = field(default="", kw_only=True)

    def __post_init__(self) -> None:
        if not self.name:
            raise ChunkError("StreamInfo.name is empty: give every stream a unique name.")
        if not self.type:
            raise ChunkError(f"stream {self.name!r}: type is empty; use e.g. 'ECG' or 'MARKERS'.")
        channels = tuple(str(c) for c in self.channels)
        if not channels:
            raise ChunkError(f"stream {self.name!r}: it needs at least one channel label.")
        object.__setattr__(self, "channels", channels)
        units = self.units
        if isinstance(units, str):
            units = (units,) * len(channels)
        units = tuple(str(u) for u in units)
        if len(units) != len(channels):
            raise ChunkError(
                f"stream {self.name!r}: {len(units)} units for {len(channels)} channels; "
                "give one unit per channel or a single string for all."
            )
        object.__setattr__(self, "units", units)
        if not (math.isfinite(self.rate) and self.rate >= 0):
            raise ChunkError(
                f"stream {self.name!r}: rate must be a finite number of Hz >= 0 "
                f"(0 for irregular streams), got {self.rate!r}."
            )
        object.__setattr__(self, "rate", float(self.rate))
        if self.dtype not in DTYPES:
            raise ChunkError(
                f"stream {self.name!r}: dtype {self.dtype!r} is not supported; "
                f"use one of {', '.join(DTYPES)}."
            )
        _check_payload(self)

    @property
    def n_channels(self) -> int:
        """Number of channels."""
        return len(self.channels)

    @property
    def sample_shape(self) -> tuple[int, ...]:
        """Shape of one sample: ``(n_channels, *shape)``."""
        return (len(self.channels), *self.shape)

    @property
    def n_values(self) -> int:
        """Numbers in one sample: ``n_channels`` times the product of ``shape``."""
        return math.prod(self.sample_shape)

    @property
    def irregular(self) -> bool:
        """True for streams without a nominal rate (markers, input events)."""
        return self.rate == 0.0

    def numpy_dtype(self) -> np.dtype[Any]:
        """The numpy dtype of this stream's data (``object`` for strings)."""
        return np.dtype(object) if self.dtype == "string" else np.dtype(self.dtype)

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible description (used in recordings and ``heartmind info``).

        The payload keys (``shape``, ``axes``, ``spacing``, ``spacing_units``,
        ``color_space``) are present only for streams with a ``shape``.
        """
        out: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "channels": list(self.channels),
            "units": list(self.units),
            "rate": self.rate,
            "dtype": self.dtype,
            "source_id": self.source_id,
            "meta": dict(self.meta),
        }
        if self.shape:
            out.update(
                shape=list(self.shape),
                axes=list(self.axes),
                spacing=list(self.spacing),
                spacing_units=list(self.spacing_units),
                color_space=self.color_space,
            )
        return out


def _check_payload(info: StreamInfo) -> None:
    """Validate and normalise ``shape``, ``axes``, ``spacing``, units and colour space."""
    if not (info.shape or info.axes or info.spacing or info.spacing_units or info.color_space):
        return  # one value per channel: nothing to check (the common, fast case)
    where = f"stream {info.name!r}"
    shape = tuple(int(n) for n in info.shape)
    if any(n < 1 for n in shape):
        raise ChunkError(f"{where}: every size of shape {shape} must be >= 1.")
    if shape and info.dtype == "string":
        raise ChunkError(f"{where}: string (marker) streams cannot have a shape; drop it.")
    axes = tuple(str(a) for a in info.axes) or tuple(f"axis{i + 1}" for i in range(len(shape)))
    if len(axes) != len(shape) or len(set(axes)) != len(axes) or not all(axes):
        raise ChunkError(
            f"{where}: axes {axes} must give one distinct, non-empty name per axis of "
            f"shape {shape}."
        )
    spacing = tuple(float(d) for d in info.spacing)
    if spacing and (
        len(spacing) != len(shape) or not all(math.isfinite(d) and d > 0 for d in spacing)
    ):
        raise ChunkError(
            f"{where}: spacing {spacing} must give one positive, finite step per axis of "
            f"shape {shape} (or be empty when not known)."
        )
    units = tuple(str(u) for u in info.spacing_units) or ("",) * len(spacing)
    if len(units) != len(spacing):
        raise ChunkError(
            f"{where}: spacing_units {units} must give one unit per spacing {spacing}."
        )
    object.__setattr__(info, "shape", shape)
    object.__setattr__(info, "axes", axes)
    object.__setattr__(info, "spacing", spacing)
    object.__setattr__(info, "spacing_units", units)
    _check_color(info, where)


def _check_color(info: StreamInfo, where: str) -> None:
    space = info.color_space.upper()
    if not space:
        return
    if space not in COLOR_SPACES:
        raise ChunkError(
            f"{where}: color_space {info.color_space!r} is not one of "
            f"{', '.join(COLOR_SPACES)} (or '' for samples that are not images)."
        )
    want = COLOR_SPACES[space]
    if COLOR_AXIS in info.axes:
        have, along = info.shape[info.axes.index(COLOR_AXIS)], f"axis {COLOR_AXIS!r}"
    else:
        have, along = info.n_channels, "the channels (there is no axis named 'color')"
    if have != want and not (space == "GRAY" and COLOR_AXIS not in info.axes):
        raise ChunkError(
            f"{where}: {space} has {want} components, but {along} has {have} values; "
            "fix shape/axes or the channels."
        )
    object.__setattr__(info, "color_space", space)


@dataclass(frozen=True, slots=True, eq=False)
class Chunk:
    """A block of samples of one stream.

    Parameters
    ----------
    data
        ``(n_samples, n_channels)`` array whose dtype matches ``info.dtype``. A 1-D array is
        accepted for single-channel streams. For ``"string"`` streams, any sequence of strings
        (one per sample) or an object array of strings. For streams with a
        :attr:`StreamInfo.shape`, ``(n_samples, n_channels, *shape)`` (single-channel
        streams may leave the channel axis out: ``(n_samples, *shape)``).
    timestamps
        ``(n_samples,)`` float64 seconds on the session clock, non-decreasing, finite.
    info
        The stream this chunk belongs to.
    clock_offset
        Seconds that the sensor added to the source's own timestamps to put them on the
        session clock (LSL ``time_correction``); 0 for sources already on it. Recorders use
        it to keep raw timestamps plus clock offsets, as LabRecorder does.

    Raises
    ------
    ChunkError
        If shapes, dtype, timestamps or values are invalid. Float data must be finite
        (NaN/inf are rejected: mark missing data with a ``Gap`` event, never in-band).

    Notes
    -----
    The arrays are made read-only; a chunk cannot change after it was emitted.
    """

    data: npt.NDArray[Any]
    timestamps: npt.NDArray[np.float64]
    info: StreamInfo
    clock_offset: float = 0.0

    def __post_init__(self) -> None:
        info = self.info
        data = _as_data(self.data, info)
        ts = np.asarray(self.timestamps, dtype=np.float64)
        if not _frozen(ts):
            ts = ts.copy()  # never freeze (or share) the caller's own array
        if ts.ndim != 1:
            raise ChunkError(
                f"stream {info.name!r}: timestamps must be 1-D (one per sample), "
                f"got shape {ts.shape}."
            )
        if ts.shape[0] != data.shape[0]:
            raise ChunkError(
                f"stream {info.name!r}: {data.shape[0]} samples but {ts.shape[0]} timestamps; "
                "give exactly one timestamp per sample."
            )
        if ts.size:
            if not np.isfinite(ts).all():
                raise ChunkError(f"stream {info.name!r}: timestamps contain NaN or inf.")
            if ts.size > 1 and (np.diff(ts) < 0).any():
                bad = int(np.argmax(np.diff(ts) < 0))
                raise ChunkError(
                    f"stream {info.name!r}: timestamps go backwards at sample {bad + 1} "
                    f"({ts[bad]:.6f} s -> {ts[bad + 1]:.6f} s); sort the samples or fix the clock."
                )
        if not math.isfinite(self.clock_offset):
            raise ChunkError(f"stream {info.name!r}: clock_offset must be a finite number of s.")
        ts.setflags(write=False)
        data.setflags(write=False)
        object.__setattr__(self, "data", data)
        object.__setattr__(self, "timestamps", ts)

    def __len__(self) -> int:
        return int(self.timestamps.shape[0])

    @property
    def n_samples(self) -> int:
        """Number of samples."""
        return len(self)

    @property
    def first_timestamp(self) -> float:
        """Timestamp of the first sample in s (NaN for an empty chunk)."""
        return float(self.timestamps[0]) if len(self) else math.nan

    @property
    def last_timestamp(self) -> float:
        """Timestamp of the last sample in s (NaN for an empty chunk)."""
        return float(self.timestamps[-1]) if len(self) else math.nan

    def channel(self, label: str) -> npt.NDArray[Any]:
        """The column of one channel, by label."""
        try:
            index = self.info.channels.index(label)
        except ValueError:
            raise KeyError(
                f"stream {self.info.name!r} has no channel {label!r}; "
                f"its channels are {', '.join(self.info.channels)}."
            ) from None
        return self.data[:, index]


def _as_data(raw: Any, info: StreamInfo) -> npt.NDArray[Any]:
    """Convert and check chunk data against its stream description."""
    if info.dtype == "string":
        arr = np.asarray(raw, dtype=object)
        if arr.ndim == 1:
            arr = arr.reshape(-1, 1)
        _check_shape(arr, info)
        if arr.size and not all(isinstance(v, str) for v in arr.flat):
            raise ChunkError(
                f"stream {info.name!r} is a string (marker) stream: every sample must be a str."
            )
        return arr.copy()
    arr = np.asarray(raw)
    if arr.dtype.kind not in "fiub":
        raise ChunkError(
            f"stream {info.name!r}: data of dtype {arr.dtype} cannot be a {info.dtype} stream; "
            "pass a numeric array."
        )
    if info.n_channels == 1 and arr.ndim == 1 + len(info.shape) and arr.shape[1:] == info.shape:
        arr = arr.reshape(arr.shape[0], 1, *info.shape)  # the channel axis left out
    _check_shape(arr, info)
    want = info.numpy_dtype()
    if arr.dtype != want:
        if want.kind in "iu" and arr.dtype.kind == "f":
            raise ChunkError(
                f"stream {info.name!r} is {info.dtype} but the data is {arr.dtype}; "
                "round and cast the data explicitly."
            )
        if want.kind in "iu" and arr.size and not np.can_cast(arr.dtype, want):
            limits = np.iinfo(want)
            if arr.min() < limits.min or arr.max() > limits.max:
                raise ChunkError(
                    f"stream {info.name!r} is {info.dtype}, but the data has values outside "
                    f"[{limits.min}, {limits.max}]; they would wrap around. Use a wider dtype."
                )
        arr = arr.astype(want)  # a new array that nobody else holds
    elif not _frozen(arr):
        arr = arr.copy()  # the caller may still change its array; ours must not change
    if want.kind == "f" and arr.size and not np.isfinite(arr).all():
        row = int(np.argwhere(~np.isfinite(arr))[0][0])
        raise ChunkError(
            f"stream {info.name!r}: sample {row} contains NaN or inf; drop the samples and "
            "report a Gap event instead of sending non-finite values."
        )
    return arr


def _frozen(arr: npt.NDArray[Any]) -> bool:
    """True if nobody can write ``arr``'s memory: it and every array it views are read-only."""
    base: Any = arr
    while isinstance(base, np.ndarray):
        if base.flags.writeable:
            return False
        base = base.base
    return base is None


def _check_shape(arr: npt.NDArray[Any], info: StreamInfo) -> None:
    if not info.shape:
        if arr.ndim == 2 and arr.shape[1] == len(info.channels):
            return
        raise ChunkError(
            f"stream {info.name!r}: data must have shape (n_samples, {info.n_channels}) for "
            f"channels {list(info.channels)}, got {arr.shape}."
        )
    if arr.shape[1:] == info.sample_shape:
        return
    want = ", ".join(str(n) for n in info.sample_shape)
    raise ChunkError(
        f"stream {info.name!r}: data must have shape (n_samples, {want}) (channels "
        f"{list(info.channels)} × shape {info.shape} along axes {info.axes}), got {arr.shape}."
    )


def chunk_from_columns(info: StreamInfo, timestamps: Sequence[float], **columns: Any) -> Chunk:
    """Build a chunk from one array per channel label (a convenience for simulators)."""
    data = np.column_stack([np.asarray(columns[c]) for c in info.channels])
    return Chunk(data, np.asarray(timestamps, dtype=np.float64), info)


def channel_index(info: StreamInfo, channel: str, who: str) -> int:
    """Column of ``channel`` in ``info``: a label, an index as a string, or ``""`` (first).

    This is how processors read their ``channel`` option.

    Raises
    ------
    ConfigError
        If the stream has no such channel (the message names ``who`` and lists the
        stream's channels).
    """
    if channel == "":
        return 0
    if channel in info.channels:
        return info.channels.index(channel)
    if channel.lstrip("-").isdigit() and -info.n_channels <= int(channel) < info.n_channels:
        return int(channel) % info.n_channels
    raise ConfigError(
        f"{who}: stream {info.name!r} has no channel {channel!r}; its channels are "
        f"{', '.join(info.channels)}. Set the option 'channel' to one of them or to an index."
    )
