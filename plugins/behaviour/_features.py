"""Keyboard and mouse features over windows (pure functions, NeuroKit-style).

They work on any stream with the fixed layouts of :mod:`heartmind.layouts` — live capture,
the simulator, replayed recordings — and never need key identities: only press/release
times and the coarse class (other / backspace-or-delete / enter).

    from heartmind.plugins.behaviour.api import window_features
    times, feats = window_features(rec["KEYS"].timestamps, rec["KEYS"].data, "KEYS",
                                   window=60.0, step=10.0)

Every feature is one float; a feature that is undefined in a window (no key pairs to
measure a dwell time, no movement to measure a speed) is 0.0, and the count channels
(``n_presses``, ``n_moves``) tell whether the window had enough activity. See
:data:`KEYS_FEATURES` and :data:`MOUSE_FEATURES` for names, units and meanings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from heartmind.layouts import KeyAction, KeyClass, MouseAction
from heartmind.streams import StreamInfo

__all__ = [
    "FEATURE_STREAM_TYPES",
    "KEYS_FEATURES",
    "MIN_MOVES",
    "MIN_PRESSES",
    "MOUSE_FEATURES",
    "Feature",
    "feature_info",
    "feature_names",
    "gate_activity",
    "keys_features",
    "mouse_features",
    "window_ends",
    "window_features",
]

Array = npt.NDArray[np.float64]

#: Gap between key events (s) that counts as a typing pause.
PAUSE_S = 2.0
#: Gap between mouse events (s) that counts as idle.
IDLE_S = 1.0
#: Gap between moves (s) that ends a pointing stroke.
STROKE_GAP_S = 0.3
#: Longest press-to-release interval (s) taken as a dwell time (longer: auto-repeat, held key).
MAX_DWELL_S = 2.0
#: Windows with fewer key presses / pointer moves count as "no keyboard / mouse activity".
MIN_PRESSES, MIN_MOVES = 10, 10


@dataclass(frozen=True)
class Feature:
    """One window feature: its channel name, unit and meaning."""

    name: str
    unit: str
    doc: str


KEYS_FEATURES: tuple[Feature, ...] = (
    Feature("n_presses", "count", "key presses in the window"),
    Feature("dwell_mean", "s", "mean press-to-release time of a key"),
    Feature("dwell_sd", "s", "standard deviation of dwell times"),
    Feature("dwell_median", "s", "median dwell time"),
    Feature("flight_mean", "s", "mean release-to-next-press time (gaps < 2 s)"),
    Feature("flight_sd", "s", "standard deviation of flight times"),
    Feature("flight_median", "s", "median flight time"),
    Feature("digraph_mean", "s", "mean press-to-press latency (gaps < 2 s)"),
    Feature("digraph_sd", "s", "standard deviation of press-to-press latencies"),
    Feature("digraph_median", "s", "median press-to-press latency"),
    Feature("typing_speed", "keys/min", "key presses per minute of window"),
    Feature("backspace_rate", "1", "share of presses that are backspace/delete (corrections)"),
    Feature("enter_rate", "1/min", "enter presses per minute"),
    Feature("pause_count", "count", "gaps > 2 s between key events"),
    Feature("pause_fraction", "1", "share of the window inside gaps > 2 s (1 = no typing)"),
)

MOUSE_FEATURES: tuple[Feature, ...] = (
    Feature("n_moves", "count", "pointer move events in the window"),
    Feature("speed_mean", "px/s", "mean pointer speed while moving"),
    Feature("speed_sd", "px/s", "standard deviation of pointer speed"),
    Feature("speed_median", "px/s", "median pointer speed"),
    Feature("accel_mean", "px/s^2", "mean absolute change of speed per s"),
    Feature("jerk_mean", "px/s^3", "mean absolute change of acceleration per s"),
    Feature("path_efficiency", "1", "straight-line / path length of strokes (1 = straight)"),
    Feature("curvature", "rad/px", "total absolute turning angle per px of path"),
    Feature("direction_changes", "1/s", "heading changes > 90 degrees per s of movement"),
    Feature("click_rate", "1/min", "button presses per minute"),
    Feature("click_dwell_mean", "s", "mean button press-to-release time"),
    Feature("idle_fraction", "1", "share of the window inside gaps > 1 s (1 = no input)"),
    Feature("scroll_rate", "steps/min", "scroll steps (|dx| + |dy|) per minute"),
)

#: Stream type of the feature stream of each input stream type.
FEATURE_STREAM_TYPES: dict[str, str] = {"KEYS": "KEYS_FEATURES", "MOUSE": "MOUSE_FEATURES"}
_TABLES: dict[str, tuple[Feature, ...]] = {"KEYS": KEYS_FEATURES, "MOUSE": MOUSE_FEATURES}


def feature_names(kind: str) -> tuple[str, ...]:
    """Channel names of the features of ``kind`` (``"KEYS"`` or ``"MOUSE"``)."""
    return tuple(f.name for f in _table(kind))


def feature_info(
    kind: str, name: str, window: float, step: float, source_id: str = ""
) -> StreamInfo:
    """StreamInfo of a feature stream: one sample per window step, at the window's end.

    Parameters
    ----------
    kind
        ``"KEYS"`` or ``"MOUSE"`` (the stream type the features come from).
    name
        Stream name.
    window, step
        Window length and step in s (stored in ``meta``; the rate is ``1 / step`` Hz).
    source_id
        Source identifier.
    """
    table = _table(kind)
    return StreamInfo(
        name=name,
        type=FEATURE_STREAM_TYPES[kind],
        channels=tuple(f.name for f in table),
        units=tuple(f.unit for f in table),
        rate=1.0 / step,
        dtype="float64",
        source_id=source_id,
        meta={"window_s": window, "step_s": step, "features_of": kind},
    )


def _table(kind: str) -> tuple[Feature, ...]:
    try:
        return _TABLES[kind.upper()]
    except KeyError:
        raise ValueError(f"kind {kind!r} is not one of KEYS, MOUSE.") from None


def _stats(values: Array) -> tuple[float, float, float]:
    """Mean, standard deviation and median; zeros when there are no values."""
    if values.size == 0:
        return 0.0, 0.0, 0.0
    return float(values.mean()), float(values.std()), float(np.median(values))


def _gap_stats(times: Array, start: float, end: float, gap: float) -> tuple[int, float]:
    """Number of gaps longer than ``gap`` s between events (window edges count as events)
    and the share of ``[start, end]`` they cover."""
    edges = np.concatenate(([start], times, [end]))
    gaps = np.diff(edges)
    long = gaps[gaps > gap]
    inner = np.diff(times)
    count = int((inner > gap).sum())
    return count, float(long.sum() / (end - start)) if end > start else 0.0


def _pair_dwell(press: Array, release: Array, max_dwell: float) -> Array:
    """Dwell times pairing each release with the oldest pending press (FIFO).

    Key identities are never known, so overlapping keys (rollover) are paired in order;
    presses pending longer than ``max_dwell`` s (held keys, auto-repeat) are dropped.
    """
    dwell: list[float] = []
    pending: list[float] = []
    events = sorted([(t, 1) for t in press] + [(t, 0) for t in release])
    for t, is_press in events:
        if is_press:
            pending.append(t)
            continue
        while pending and t - pending[0] > max_dwell:
            pending.pop(0)
        if pending:
            dwell.append(t - pending.pop(0))
    return np.asarray(dwell, dtype=np.float64)


def keys_features(
    timestamps: npt.ArrayLike,
    data: npt.ArrayLike,
    start: float,
    end: float,
    *,
    pause: float = PAUSE_S,
) -> Array:
    """Keyboard features of the events in ``[start, end)``.

    Parameters
    ----------
    timestamps
        ``(n,)`` event times in s.
    data
        ``(n, 2)`` KEYS samples: ``action`` (0 release, 1 press), ``key_class``.
    start, end
        Window bounds in s.
    pause
        Gap in s that counts as a typing pause (default 2 s).

    Returns
    -------
    numpy.ndarray
        ``(len(KEYS_FEATURES),)`` values in the order and units of :data:`KEYS_FEATURES`.
    """
    ts, rows = _select(timestamps, data, 2, start, end)
    is_press = rows[:, 0] == KeyAction.PRESS
    press, release = ts[is_press], ts[~is_press]
    classes = rows[is_press, 1]
    minutes = (end - start) / 60.0
    dwell = _pair_dwell(press, release, MAX_DWELL_S)
    nxt = np.searchsorted(press, release, side="right")
    has_next = nxt < press.size
    flights = press[nxt[has_next]] - release[has_next]
    flights = flights[flights < pause]
    digraph = np.diff(press)
    digraph = digraph[digraph < pause]
    n = press.size
    pause_count, pause_fraction = _gap_stats(ts, start, end, pause)
    return np.array(
        [
            float(n),
            *_stats(dwell),
            *_stats(flights),
            *_stats(digraph),
            n / minutes if minutes > 0 else 0.0,
            float((classes == KeyClass.BACKSPACE).sum() / n) if n else 0.0,
            float((classes == KeyClass.ENTER).sum() / minutes) if minutes > 0 else 0.0,
            float(pause_count),
            pause_fraction,
        ],
        dtype=np.float64,
    )


def _select(
    timestamps: npt.ArrayLike, data: npt.ArrayLike, n_channels: int, start: float, end: float
) -> tuple[Array, Array]:
    ts = np.asarray(timestamps, dtype=np.float64)
    rows = np.asarray(data, dtype=np.float64).reshape(-1, n_channels)
    if ts.shape[0] != rows.shape[0]:
        raise ValueError(f"{ts.shape[0]} timestamps for {rows.shape[0]} samples.")
    if not end > start:
        raise ValueError(f"window end {end} s must be after its start {start} s.")
    lo, hi = np.searchsorted(ts, [start, end], side="left")
    return ts[lo:hi], rows[lo:hi]


def _strokes(t: Array, press_times: Array, gap: float) -> npt.NDArray[np.int64]:
    """Stroke index of each move: a new stroke after a gap > ``gap`` s or a button press."""
    if t.size == 0:
        return np.zeros(0, dtype=np.int64)
    presses_before = np.searchsorted(press_times, t, side="right")
    brk = np.zeros(t.size, dtype=bool)
    brk[1:] = (np.diff(t) > gap) | (np.diff(presses_before) > 0)
    return np.cumsum(brk).astype(np.int64)


def _kinematics(t: Array, xy: Array, stroke: npt.NDArray[np.int64]) -> dict[str, float]:
    """Speed, acceleration, jerk, curvature and direction changes of pointer strokes."""
    dt = np.diff(t)
    step = np.diff(xy, axis=0)
    dist = np.hypot(step[:, 0], step[:, 1])
    ok = (stroke[1:] == stroke[:-1]) & (dt > 1e-4)
    sid, dt, dist, step = stroke[1:][ok], dt[ok], dist[ok], step[ok]
    mid = (t[1:][ok] + t[:-1][ok]) / 2.0
    speed = dist / dt
    same = sid[1:] == sid[:-1]
    dmid = np.diff(mid)
    good = same & (dmid > 1e-4)
    accel = np.diff(speed)[good] / dmid[good]
    mid2 = ((mid[1:] + mid[:-1]) / 2.0)[good]
    jsame = (sid[1:][good][1:] == sid[1:][good][:-1]) & (np.diff(mid2) > 1e-4)
    jerk = np.diff(accel)[jsame] / np.diff(mid2)[jsame]
    moving = dist > 0
    heading = np.arctan2(step[moving, 1], step[moving, 0])
    hsame = sid[moving][1:] == sid[moving][:-1]
    turn = np.abs(np.angle(np.exp(1j * np.diff(heading))))[hsame]
    path = float(dist.sum())
    move_time = float(dt.sum())
    mean, sd, median = _stats(speed)
    return {
        "speed_mean": mean,
        "speed_sd": sd,
        "speed_median": median,
        "accel_mean": float(np.abs(accel).mean()) if accel.size else 0.0,
        "jerk_mean": float(np.abs(jerk).mean()) if jerk.size else 0.0,
        "curvature": float(turn.sum() / path) if path > 0 else 0.0,
        "direction_changes": float((turn > np.pi / 2).sum() / move_time) if move_time else 0.0,
    }


def _path_efficiency(xy: Array, stroke: npt.NDArray[np.int64], min_path: float = 10.0) -> float:
    """Mean straight-line / path length over strokes longer than ``min_path`` px."""
    if stroke.size < 2:
        return 0.0
    same = stroke[1:] == stroke[:-1]
    seg = np.hypot(*np.diff(xy, axis=0).T) * same
    n = int(stroke[-1]) + 1
    path = np.bincount(stroke[1:], weights=seg, minlength=n)
    _, first = np.unique(stroke, return_index=True)
    last = np.concatenate((first[1:] - 1, [stroke.size - 1]))
    ids = stroke[first]
    straight = np.hypot(*(xy[last] - xy[first]).T)
    keep = path[ids] > min_path
    if not keep.any():
        return 0.0
    return float(np.clip(straight[keep] / path[ids][keep], 0.0, 1.0).mean())


def mouse_features(
    timestamps: npt.ArrayLike,
    data: npt.ArrayLike,
    start: float,
    end: float,
    *,
    idle: float = IDLE_S,
    stroke_gap: float = STROKE_GAP_S,
) -> Array:
    """Mouse features of the events in ``[start, end)``.

    Parameters
    ----------
    timestamps
        ``(n,)`` event times in s.
    data
        ``(n, 6)`` MOUSE samples: ``action``, ``button``, ``x``, ``y`` (px), ``dx``, ``dy``
        (scroll steps).
    start, end
        Window bounds in s.
    idle
        Gap in s without any mouse event that counts as idle (default 1 s).
    stroke_gap
        Gap in s between moves that ends a pointing stroke (default 0.3 s); a button press
        also ends one.

    Returns
    -------
    numpy.ndarray
        ``(len(MOUSE_FEATURES),)`` values in the order and units of :data:`MOUSE_FEATURES`.
    """
    ts, rows = _select(timestamps, data, 6, start, end)
    action = rows[:, 0]
    minutes = (end - start) / 60.0
    move = action == MouseAction.MOVE
    is_press, is_release = action == MouseAction.PRESS, action == MouseAction.RELEASE
    stroke = _strokes(ts[move], ts[is_press], stroke_gap)
    kin = _kinematics(ts[move], rows[move, 2:4], stroke)
    dwell = [
        _pair_dwell(ts[is_press & (rows[:, 1] == b)], ts[is_release & (rows[:, 1] == b)], 5.0)
        for b in np.unique(rows[is_press, 1])
    ]
    dwells = np.concatenate(dwell) if dwell else np.zeros(0)
    scroll = rows[action == MouseAction.SCROLL]
    values = {
        "n_moves": float(move.sum()),
        **kin,
        "path_efficiency": _path_efficiency(rows[move, 2:4], stroke),
        "click_rate": float(is_press.sum() / minutes),
        "click_dwell_mean": float(dwells.mean()) if dwells.size else 0.0,
        "idle_fraction": _gap_stats(ts, start, end, idle)[1],
        "scroll_rate": float(np.abs(scroll[:, 4:6]).sum() / minutes),
    }
    return np.array([values[f.name] for f in MOUSE_FEATURES], dtype=np.float64)


def window_ends(start: float, stop: float, window: float, step: float) -> Array:
    """Ends (s) of the windows ``[end - window, end)`` that fit in ``[start, stop]``."""
    if window <= 0 or step <= 0:
        raise ValueError(f"window ({window} s) and step ({step} s) must be > 0.")
    n = int(np.floor((stop - start - window) / step + 1e-9)) + 1
    return start + window + step * np.arange(max(n, 0), dtype=np.float64)


def window_features(
    timestamps: npt.ArrayLike,
    data: npt.ArrayLike,
    kind: str,
    *,
    window: float = 60.0,
    step: float = 10.0,
    start: float | None = None,
    stop: float | None = None,
    **options: Any,
) -> tuple[Array, Array]:
    """Features over sliding windows of a whole KEYS or MOUSE recording.

    Parameters
    ----------
    timestamps, data
        The stream's samples (layouts of :mod:`heartmind.layouts`).
    kind
        ``"KEYS"`` or ``"MOUSE"``.
    window, step
        Window length and step in s.
    start, stop
        Time span in s (default: first and last timestamp). Windows are
        ``[start + k * step, start + k * step + window)``.
    **options
        Passed to :func:`keys_features` or :func:`mouse_features`.

    Returns
    -------
    ends, features
        ``(n_windows,)`` window end times in s and ``(n_windows, n_features)`` values, in the
        order of :func:`feature_names`.
    """
    ts = np.asarray(timestamps, dtype=np.float64)
    func = keys_features if _table(kind) is KEYS_FEATURES else mouse_features
    first = float(ts[0]) if start is None and ts.size else float(start or 0.0)
    last = float(ts[-1]) if stop is None and ts.size else float(stop or first)
    ends = window_ends(first, last, window, step)
    rows = [func(ts, data, e - window, e, **options) for e in ends]
    n = len(_table(kind))
    return ends, np.array(rows, dtype=np.float64).reshape(len(ends), n)


def gate_activity(keys: Array, mouse: Array) -> Array:
    """Join keyboard and mouse feature rows; a modality without activity becomes NaN."""
    keys = np.array(keys, dtype=np.float64, ndmin=2)
    mouse = np.array(mouse, dtype=np.float64, ndmin=2)
    keys[keys[:, 0] < MIN_PRESSES] = np.nan
    mouse[mouse[:, 0] < MIN_MOVES] = np.nan
    return np.hstack((keys, mouse))
