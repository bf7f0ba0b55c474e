"""Window features of KEYS/MOUSE streams: known values, streaming = offline, simulator."""

from __future__ import annotations

import numpy as np
import pytest

import heartmind
from heartmind.layouts import KeyAction, KeyClass, MouseAction, MouseButton
from heartmind.plugins.behaviour.api import (
    KEYS_FEATURES,
    MOUSE_FEATURES,
    SlidingWindows,
    feature_info,
    feature_names,
    keys_features,
    mouse_features,
    window_features,
)
from heartmind.sim import simulate

P, R = KeyAction.PRESS, KeyAction.RELEASE


def _keys(rows: list[tuple[float, int, int]]) -> tuple[np.ndarray, np.ndarray]:
    ts = np.array([r[0] for r in rows])
    data = np.array([(r[1], r[2]) for r in rows], dtype=np.float64)
    return ts, data


def _named(values: np.ndarray, kind: str) -> dict[str, float]:
    return dict(zip(feature_names(kind), values.tolist(), strict=True))


def test_keys_features_known_values() -> None:
    # presses at 1.0, 1.3, 1.6 (dwell 0.1 s each), a backspace, then a 3 s pause and enter
    rows = [
        (1.0, P, KeyClass.OTHER),
        (1.1, R, KeyClass.OTHER),
        (1.3, P, KeyClass.OTHER),
        (1.4, R, KeyClass.OTHER),
        (1.6, P, KeyClass.BACKSPACE),
        (1.7, R, KeyClass.BACKSPACE),
        (4.7, P, KeyClass.ENTER),
        (4.8, R, KeyClass.ENTER),
    ]
    f = _named(keys_features(*_keys(rows), 0.0, 6.0), "KEYS")
    assert f["n_presses"] == 4
    assert f["dwell_mean"] == pytest.approx(0.1) and f["dwell_sd"] == pytest.approx(0, abs=1e-9)
    assert f["flight_mean"] == pytest.approx(0.2)  # 1.1->1.3, 1.4->1.6; 1.7->4.7 is a pause
    assert f["digraph_median"] == pytest.approx(0.3)
    assert f["typing_speed"] == pytest.approx(4 / 0.1)  # keys/min over a 6 s window
    assert f["backspace_rate"] == pytest.approx(0.25)
    assert f["enter_rate"] == pytest.approx(10.0)  # 1 per 0.1 min
    assert f["pause_count"] == 1  # 1.7 -> 4.7
    # gaps > 2 s: 1.7 -> 4.7 (3 s); edges 0 -> 1.0 and 4.8 -> 6.0 are shorter
    assert f["pause_fraction"] == pytest.approx(3.0 / 6.0)


def test_keys_features_empty_window_is_all_pause() -> None:
    f = _named(keys_features(np.zeros(0), np.zeros((0, 2)), 0.0, 10.0), "KEYS")
    assert f["n_presses"] == 0 and f["pause_fraction"] == 1.0 and f["dwell_mean"] == 0.0


def test_mouse_features_known_values() -> None:
    # a straight 100 px/s horizontal stroke sampled at 10 Hz, a click, a scroll
    t = np.arange(11) * 0.1
    moves = np.column_stack(
        [np.full(11, MouseAction.MOVE), np.zeros(11), 100 + 10 * np.arange(11), np.full(11, 50)]
    )
    moves = np.hstack((moves, np.zeros((11, 2))))
    click = [
        [MouseAction.PRESS, MouseButton.LEFT, 200, 50, 0, 0],
        [MouseAction.RELEASE, MouseButton.LEFT, 200, 50, 0, 0],
        [MouseAction.SCROLL, MouseButton.NONE, 200, 50, 0, -1],
        [MouseAction.SCROLL, MouseButton.NONE, 200, 50, 0, -1],
    ]
    ts = np.concatenate((t, [1.2, 1.35, 1.5, 1.6]))
    data = np.vstack((moves, np.array(click, dtype=np.float64)))
    f = _named(mouse_features(ts, data, 0.0, 6.0), "MOUSE")
    assert f["n_moves"] == 11
    assert f["speed_mean"] == pytest.approx(100.0) and f["speed_sd"] == pytest.approx(0, abs=1e-6)
    assert f["accel_mean"] == pytest.approx(0.0, abs=1e-6)
    assert f["path_efficiency"] == pytest.approx(1.0)
    assert f["curvature"] == pytest.approx(0.0) and f["direction_changes"] == 0.0
    assert f["click_rate"] == pytest.approx(10.0)  # 1 per 0.1 min
    assert f["click_dwell_mean"] == pytest.approx(0.15)
    assert f["scroll_rate"] == pytest.approx(20.0)  # 2 steps per 0.1 min
    assert f["idle_fraction"] == pytest.approx(4.4 / 6.0)  # 1.6 -> 6.0 without input


def test_feature_tables_have_units_and_stream_info() -> None:
    for table in (KEYS_FEATURES, MOUSE_FEATURES):
        assert all(f.unit and f.doc for f in table)
    info = feature_info("MOUSE", "m", window=30.0, step=5.0)
    assert info.type == "MOUSE_FEATURES" and info.rate == pytest.approx(0.2)
    assert dict(zip(info.channels, info.units, strict=True))["jerk_mean"] == "px/s^3"
    with pytest.raises(ValueError, match="KEYS, MOUSE"):
        feature_names("FACE")


@pytest.mark.parametrize("kind", ["KEYS", "MOUSE"])
def test_streaming_windows_equal_offline(kind: str) -> None:
    rec = simulate(200.0, (kind,), seed=4, state="rest-stress-recovery")[kind]
    t0 = float(rec.timestamps[0])
    ends, offline = window_features(rec.timestamps, rec.data, kind, window=30.0, step=5.0)
    win = SlidingWindows(kind, 30.0, 5.0)
    win.set_origin(t0)
    got_ends, got = [], []
    for lo in range(0, len(rec.timestamps), 97):  # arbitrary chunking
        ts, data = rec.timestamps[lo : lo + 97], rec.data[lo : lo + 97]
        win.add(ts, data)
        e, v = win.due(float(ts[-1]))
        got_ends.append(e)
        got.append(v)
    e_all, v_all = np.concatenate(got_ends), np.vstack(got)
    n = len(e_all)
    assert n >= len(ends) - 1
    np.testing.assert_allclose(e_all, ends[:n])
    np.testing.assert_allclose(v_all, offline[:n], rtol=1e-9, atol=1e-9)


def _rest_vs_stress(kind: str, seeds: tuple[int, ...] = (1, 2)) -> tuple[dict, dict]:
    rest, stress = [], []
    for seed in seeds:
        rec = simulate(600.0, (kind,), seed=seed, state="rest-stress-recovery")
        opts = {"window": 60.0, "step": 10.0, "start": 0.0, "stop": 600.0}
        ends, f = window_features(rec[kind].timestamps, rec[kind].data, kind, **opts)
        level = np.interp(ends - 30.0, rec["STATE"].timestamps, rec["STATE"].data[:, 0])
        rest.append(f[level < 0.3])
        stress.append(f[level > 0.7])
    return _named(np.vstack(rest).mean(0), kind), _named(np.vstack(stress).mean(0), kind)


def test_simulated_typing_changes_with_stress() -> None:
    # heartmind.sim.behaviour: under stress faster, more variable typing, shorter dwell,
    # more backspaces.
    rest, stress = _rest_vs_stress("KEYS")
    assert stress["backspace_rate"] > 1.5 * rest["backspace_rate"]
    assert stress["digraph_median"] < rest["digraph_median"]
    assert stress["dwell_mean"] < rest["dwell_mean"]
    assert stress["digraph_sd"] > rest["digraph_sd"]
    assert stress["typing_speed"] > rest["typing_speed"]


def test_simulated_mouse_is_jerkier_under_stress() -> None:
    # heartmind.sim.behaviour: faster movements, tremor and overshoot, shorter pauses.
    rest, stress = _rest_vs_stress("MOUSE")
    assert stress["speed_mean"] > rest["speed_mean"]
    assert stress["jerk_mean"] > 1.5 * rest["jerk_mean"]
    assert stress["direction_changes"] > rest["direction_changes"]
    assert stress["path_efficiency"] < rest["path_efficiency"]
    assert stress["idle_fraction"] < rest["idle_fraction"]


def test_behaviour_features_processor_on_the_simulator() -> None:
    session = heartmind.Session(clock="virtual", seed=2)
    session.add_sensor("simulator", modalities=["KEYS", "MOUSE"], truth=False)
    session.add_processor("behaviour-features", name="bf", window=30.0, step=5.0)
    chunks: list[heartmind.Chunk] = []
    session.subscribe(["type:KEYS_FEATURES", "type:MOUSE_FEATURES"], chunks.append)
    stats = session.run(duration=120.0)
    assert stats["processors"]["bf"]["errors"] == 0
    by_type = {c.info.type for c in chunks}
    assert by_type == {"KEYS_FEATURES", "MOUSE_FEATURES"}
    keys = np.vstack([c.data for c in chunks if c.info.type == "KEYS_FEATURES"])
    assert 15 <= len(keys) <= 19  # windows ending at 30, 35, … s of 120 s
    assert (keys[:, 0] > 0).all()  # the simulated user types in every 30 s window
    ts = np.concatenate([c.timestamps for c in chunks if c.info.type == "KEYS_FEATURES"])
    np.testing.assert_allclose(np.diff(ts), 5.0)
