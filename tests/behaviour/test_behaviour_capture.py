"""Live keyboard/mouse capture on a private Xvfb display, driven by real X input (xdotool)."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from behaviour_xkit import xdotool

import heartmind
from heartmind.errors import ConfigError, HeartmindError
from heartmind.layouts import KeyAction, KeyClass, MouseAction, MouseButton
from heartmind.plugins.behaviour.api import InputCaptureError, KeyboardSensor

pytestmark = pytest.mark.timeout(60)

FAST = {"window": 1.0, "step": 0.5}


def _live(
    spec: str, inject: Any, settle: float = 1.6, consumers: tuple[Any, ...] = (), **opts: Any
) -> list[Any]:
    """Run a real-time session with one capture sensor while ``inject()`` sends X input."""
    session = heartmind.Session(clock="realtime")
    session.add_sensor(spec, name=spec, consent=True, **{**FAST, **opts})
    for consumer in consumers:
        session.add_consumer(consumer, streams=["stream:*"])
    items: list[Any] = []
    session.subscribe(["*", "stream:*"], items.append)
    session.start()
    try:
        inject()
        time.sleep(settle)  # the last windows close
    finally:
        session.stop()
    return items


def _chunks(items: list[Any], stream_type: str) -> list[heartmind.Chunk]:
    return [c for c in items if isinstance(c, heartmind.Chunk) and c.info.type == stream_type]


def _features(items: list[Any], stream_type: str) -> dict[str, np.ndarray]:
    chunks = _chunks(items, stream_type)
    assert chunks, f"no {stream_type} chunks"
    data = np.vstack([c.data for c in chunks])
    return {name: data[:, i] for i, name in enumerate(chunks[0].info.channels)}


# ---------------------------------------------------------------------- opt-ins and errors


@pytest.mark.parametrize("spec", ["keyboard", "mouse"])
def test_consent_is_required(spec: str) -> None:
    session = heartmind.Session(clock="realtime")
    with pytest.raises(ConfigError, match=r"consent=true.*biometric|biometric.*consent=true"):
        session.add_sensor(spec)
    with pytest.raises(ConfigError, match="consent"):
        session.add_sensor(spec, consent=False, raw_timings=True)


def test_raw_timings_need_their_own_opt_in() -> None:
    sensor = KeyboardSensor(consent=True)
    assert [s.type for s in sensor.streams] == ["KEYS_FEATURES"]
    raw = KeyboardSensor(consent=True, raw_timings=True)
    assert [s.type for s in raw.streams] == ["KEYS_FEATURES", "KEYS"]


def test_without_display_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    session = heartmind.Session(clock="realtime")
    session.add_sensor("keyboard", consent=True)
    with pytest.raises(InputCaptureError, match=r"DISPLAY is not set.*Xvfb") as info:
        session.start()
    assert isinstance(info.value, HeartmindError)


def test_unreachable_display_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISPLAY", ":4242")  # nothing listens there
    session = heartmind.Session(clock="realtime")
    session.add_sensor("mouse", consent=True)
    with pytest.raises(InputCaptureError, match=r"cannot connect to the X display ':4242'"):
        session.start()


# ---------------------------------------------------------------------- real input


def test_keyboard_features_and_raw_timings(display: str) -> None:
    text = "hello world typing"

    def inject() -> None:
        xdotool(display, "type", "--delay", "40", text)
        xdotool(display, "key", "--delay", "60", "BackSpace", "BackSpace", "Delete", "Return")

    items = _live("keyboard", inject, raw_timings=True)
    raw = _chunks(items, "KEYS")
    data = np.vstack([c.data for c in raw])
    press = data[data[:, 0] == KeyAction.PRESS]
    n_typed = len(text) + 4
    assert 0.8 * n_typed <= len(press) <= 3 * n_typed  # shift etc. may add presses
    assert (press[:, 1] == KeyClass.BACKSPACE).sum() >= 2
    assert (press[:, 1] == KeyClass.ENTER).sum() >= 1
    feats = _features(items, "KEYS_FEATURES")
    active = feats["n_presses"] > 0
    assert active.any()
    assert ((feats["dwell_mean"][active] > 0) & (feats["dwell_mean"][active] < 1.0)).any()
    assert (feats["typing_speed"][active] > 60).any()  # keys/min
    assert (feats["backspace_rate"] > 0).any()
    ts = np.concatenate([c.timestamps for c in raw])
    assert np.all(np.diff(ts) >= 0)


def test_keyboard_default_emits_features_only(display: str) -> None:
    items = _live("keyboard", lambda: xdotool(display, "type", "--delay", "30", "abc def"))
    assert not _chunks(items, "KEYS")
    assert (_features(items, "KEYS_FEATURES")["n_presses"] > 0).any()


def _mouse_path(n: int = 40) -> list[str]:
    args: list[str] = []
    for i in range(n):
        x = 100 + 15 * i
        y = 200 + int(60 * np.sin(i / 5))
        args += ["mousemove", str(x), str(y), "sleep", "0.02"]
    return args


def test_mouse_features_and_raw_events(display: str) -> None:
    def inject() -> None:
        xdotool(display, *_mouse_path(), "click", "1", "sleep", "0.1", "click", "3")
        xdotool(display, "click", "--repeat", "3", "--delay", "50", "5", "click", "4")

    items = _live("mouse", inject, raw_timings=True)
    data = np.vstack([c.data for c in _chunks(items, "MOUSE")])
    action = data[:, 0]
    assert (action == MouseAction.MOVE).sum() >= 10
    presses = data[action == MouseAction.PRESS]
    assert {MouseButton.LEFT, MouseButton.RIGHT} <= set(presses[:, 1].astype(int).tolist())
    assert (action == MouseAction.RELEASE).sum() >= 2
    scroll = data[action == MouseAction.SCROLL]
    assert len(scroll) >= 2 and (scroll[:, 5] < 0).any() and (scroll[:, 5] > 0).any()
    feats = _features(items, "MOUSE_FEATURES")
    assert (feats["n_moves"] > 0).any() and (feats["speed_mean"] > 0).any()
    assert (feats["click_rate"] > 0).any() and (feats["scroll_rate"] > 0).any()
    assert (feats["path_efficiency"] > 0).any()


# ---------------------------------------------------------------------- privacy


class _JsonlRecorder(heartmind.Consumer):
    """A recorder writing every stream header, sample and event as JSON lines."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: Any = None

    def start(self, context: heartmind.Context) -> None:
        self._file = self.path.open("w", encoding="utf-8")

    def on_chunk(self, chunk: heartmind.Chunk) -> None:
        record = {"stream": chunk.info.to_dict(), "timestamps": chunk.timestamps.tolist()}
        record["data"] = chunk.data.tolist()
        self._file.write(json.dumps(record) + "\n")

    def on_event(self, event: heartmind.Event) -> None:
        self._file.write(event.to_json() + "\n")

    def stop(self) -> None:
        if self._file is not None:
            self._file.close()


SECRET = "zqxj7secret"


def _strings(value: Any) -> list[str]:
    """Every string (keys and values) inside a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (k, *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _leaks(text: str, quoted: bool = True) -> list[str]:
    """Traces of key identities in ``text``: the secret, 3-letter pieces of it, pynput key
    reprs, and (``quoted``) quoted characters of the secret and their keysym names."""
    pieces = {SECRET[i : i + 3] for i in range(len(SECRET) - 2)}
    found = [p for p in pieces if p in text]
    found += [m for m in ("KeyCode", "char=", "<Key.", "vk=", "keysym") if m in text]
    for ch in (set(SECRET) | {"seven"}) if quoted else ():
        found += [q for q in (f"'{ch}'", f'"{ch}"') if q in text]
    return found


def test_no_key_identity_reaches_events_logs_or_files(
    display: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    out = tmp_path / "capture.jsonl"
    events_file = tmp_path / "events.jsonl"
    caplog.set_level(logging.DEBUG)
    logging.getLogger("pynput").setLevel(logging.DEBUG)

    def inject() -> None:
        xdotool(display, "type", "--delay", "40", SECRET)
        xdotool(display, "key", "BackSpace", "Return")

    session_consumers = (_JsonlRecorder(out),)
    items = _live("keyboard", inject, consumers=session_consumers, raw_timings=True)
    # and the jsonl event writer of the console plugin, on a second run (features only)
    session = heartmind.Session(clock="realtime")
    session.add_sensor("keyboard", consent=True, **FAST)
    session.add_consumer("jsonl", path=str(events_file))
    with session:
        inject()
        time.sleep(1.2)

    raw = _chunks(items, "KEYS")
    data = np.vstack([c.data for c in raw])
    assert len(data) >= len(SECRET)  # the secret was captured, as timings
    assert set(np.unique(data[:, 0])) <= {0.0, 1.0}  # action: release/press
    assert set(np.unique(data[:, 1])) <= {0.0, 1.0, 2.0}  # class: other/backspace/enter
    assert raw[0].info.channels == ("action", "key_class")

    texts = [repr(item) for item in items if not isinstance(item, heartmind.Chunk)]
    texts += [r.getMessage() + repr(r.args) for r in caplog.records]
    texts.append(events_file.read_text(encoding="utf-8"))
    for text in texts:
        assert not _leaks(text), _leaks(text)
    # the recording: headers are the sensor's fixed declarations, the rest is numbers
    text = out.read_text(encoding="utf-8")
    assert not _leaks(text, quoted=False), _leaks(text, quoted=False)
    declared = {c.info.name: c.info.to_dict() for c in _chunks(items, "KEYS")}
    declared.update({c.info.name: c.info.to_dict() for c in _chunks(items, "KEYS_FEATURES")})
    for line in text.splitlines():
        record = json.loads(line)
        if "stream" not in record:
            assert not (set(SECRET) | {"seven"}) & set(_strings(record))  # an event
            continue
        assert record["stream"] == json.loads(json.dumps(declared[record["stream"]["name"]]))
        assert not _strings(record["data"]) and not _strings(record["timestamps"])
        if record["stream"]["type"] == "KEYS":
            assert set(np.unique(np.asarray(record["data"]))) <= {0.0, 1.0, 2.0}
    assert caplog.records  # logging at DEBUG was captured
