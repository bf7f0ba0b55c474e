"""Live keyboard and mouse capture with pynput: timings and coarse classes only.

Privacy by construction:

* a pynput callback converts the key to its coarse class (:class:`KeyClass`: other,
  backspace/delete, enter) at once and drops the key object; the key's identity is never
  stored, logged or emitted;
* the callbacks only append ``(timestamp, action, class)`` to a bounded buffer (drops are
  counted and reported as ``Dropped`` events, never silent);
* by default only window features leave the sensor (``KEYS_FEATURES``/``MOUSE_FEATURES``
  streams); raw timing streams (the ``KEYS``/``MOUSE`` layouts) need ``raw_timings=True``
  on top of ``consent=True``, because inter-key timings can reveal what was typed.

pynput needs an X display on Linux: it is imported in :meth:`InputSensor.start`, after the
display was checked, so that building a pipeline stays cheap and a missing display gives a
clear :class:`InputCaptureError`.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
import threading
import time
from collections import deque
from typing import Any, ClassVar

import numpy as np

from heartmind.components import Context, Output, Sensor
from heartmind.errors import ConfigError, HeartmindError, MissingExtraError
from heartmind.events import Dropped
from heartmind.extras import require
from heartmind.layouts import KeyAction, KeyClass, MouseAction, MouseButton, keys_info, mouse_info
from heartmind.streams import Chunk, StreamInfo

from ._features import feature_info
from ._windows import SlidingWindows

__all__ = ["InputCaptureError", "InputSensor", "KeyboardSensor", "MouseSensor", "check_display"]

log = logging.getLogger(__name__)

_XK_KP_ENTER = 0xFF8D

CONSENT_HELP = (
    "keyboard and mouse timings are behavioural biometric data: the sensor records only "
    "when the person at this computer has agreed. Pass consent=true once they have "
    "(e.g. [sensors.keys.options] consent = true, or add_sensor('keyboard', consent=True))."
)


class InputCaptureError(HeartmindError, RuntimeError):
    """Keyboard/mouse capture cannot start (no X display, X server unreachable, no backend)."""


def check_display(what: str) -> None:
    """Check that pynput can reach an X display (Linux only; other systems need none).

    Raises
    ------
    InputCaptureError
        If ``DISPLAY`` is unset or its X server cannot be reached, saying what to do.
    """
    if not sys.platform.startswith("linux"):
        return
    display = os.environ.get("DISPLAY", "")
    if not display:
        raise InputCaptureError(
            f"{what} needs an X display, but DISPLAY is not set. Run it inside an X (or "
            "XWayland) desktop session, or for tests start a virtual one, e.g. "
            "'Xvfb :99 -nolisten tcp &' and 'export DISPLAY=:99'."
        )
    try:
        xdisplay: Any = importlib.import_module("Xlib.display")
    except ImportError as exc:
        raise MissingExtraError("input", what, "pynput") from exc
    try:
        xdisplay.Display(display).close()
    except Exception as exc:
        raise InputCaptureError(
            f"{what} cannot connect to the X display {display!r} ({exc}). Check that the X "
            "server is running and that this user may connect (XAUTHORITY, xhost), or set "
            "DISPLAY to a running server."
        ) from None


def _import_pynput(what: str) -> Any:
    """``pynput`` (imported now, after :func:`check_display`)."""
    try:
        return require("pynput", what)
    except MissingExtraError as exc:
        if importlib.util.find_spec("pynput") is None:
            raise
        raise InputCaptureError(
            f"{what}: pynput is installed but its input backend failed to load "
            f"({exc.__cause__}). On Linux it needs a reachable X display."
        ) from None


def _quiet_shutdown(listener: Any, what: str) -> None:
    """Log, instead of raising on its thread, an X error of a listener that is stopping.

    pynput's X listener closes its connections from two threads when stopped, and the X
    server sometimes closes one first; the thread then dies with ``ConnectionClosedError``
    although nothing was lost. Errors of a listener that is still running are logged too.
    """
    run = listener._run

    def guarded() -> None:
        try:
            run()
        except Exception as exc:
            stopping = not getattr(listener, "running", False)
            level = logging.DEBUG if stopping else logging.ERROR
            log.log(level, "%s listener ended with %s", what, type(exc).__name__)

    listener._run = guarded


class _Buffer:
    """A bounded buffer of input events, filled by pynput's thread, drained by ``read``."""

    def __init__(self, capacity: int, width: int) -> None:
        self.capacity = capacity
        self.width = width
        self.cond = threading.Condition()
        self.ts: deque[float] = deque()
        self.rows: deque[tuple[float, ...]] = deque()
        self.dropped = 0

    def put(self, clock_now: Any, row: tuple[float, ...]) -> None:
        with self.cond:
            if len(self.ts) >= self.capacity:
                self.dropped += 1
                return
            self.ts.append(clock_now())  # taken under the lock: the buffer stays sorted
            self.rows.append(row)
            self.cond.notify()

    def drain(self) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], int]:
        with self.cond:
            ts = np.fromiter(self.ts, dtype=np.float64, count=len(self.ts))
            rows = np.array(self.rows, dtype=np.float64).reshape(-1, self.width)
            dropped, self.dropped = self.dropped, 0
            self.ts.clear()
            self.rows.clear()
        return ts, rows, dropped


class InputSensor(Sensor):
    """Base of the live ``keyboard`` and ``mouse`` sensors (see the module docstring).

    Parameters
    ----------
    consent
        Must be True: the person at this computer agreed to the capture.
    raw_timings
        Also emit the raw timing stream (second opt-in); default: features only.
    window, step
        Feature window length and step in s.
    buffer_size
        Input events held between two reads before new ones are dropped (and counted).
    name_prefix
        Streams are named ``<prefix>-<TYPE>`` (``<prefix>-KEYS_FEATURES``, …).
    """

    live = True
    kind: ClassVar[str] = ""
    what: ClassVar[str] = ""

    def __init__(
        self,
        *,
        consent: bool = False,
        raw_timings: bool = False,
        window: float = 60.0,
        step: float = 10.0,
        buffer_size: int = 10000,
        name_prefix: str = "",
    ) -> None:
        if consent is not True:
            raise ConfigError(f"the {self.what} sensor needs consent=true: {CONSENT_HELP}")
        self.raw_timings = raw_timings
        self.windows = SlidingWindows(self.kind, window, step)
        prefix = name_prefix or self.what
        source = f"heartmind-pynput:{self.what}"
        raw_info = keys_info if self.kind == "KEYS" else mouse_info
        self.raw_info: StreamInfo = raw_info(f"{prefix}-{self.kind}", source)
        self.features_info = feature_info(
            self.kind, f"{prefix}-{self.kind}_FEATURES", window, step, source
        )
        self.buffer = _Buffer(buffer_size, self.raw_info.n_channels)
        self._outbox: deque[Output] = deque()
        self._listener: Any = None
        self._clock: Any = None
        self._name = self.what
        self.dropped_total = 0

    @property
    def streams(self) -> tuple[StreamInfo, ...]:
        if self.raw_timings:
            return (self.features_info, self.raw_info)
        return (self.features_info,)

    def start(self, context: Context) -> None:
        check_display(f"the {self.what} sensor")
        pynput = _import_pynput(f"the {self.what} sensor")
        self._clock = context.clock
        self._name = context.name
        self._listener = self._make_listener(pynput)
        _quiet_shutdown(self._listener, self.what)
        self._listener.start()
        self._listener.wait()
        self.windows.set_origin(context.clock.now())
        log.info(
            "%s capture started (%s; timings and coarse classes only)",
            self.what,
            "features and raw timings" if self.raw_timings else "window features only",
        )

    def _make_listener(self, pynput: Any) -> Any:
        raise NotImplementedError

    def _put(self, row: tuple[float, ...]) -> None:
        self.buffer.put(self._clock.now, row)

    def read(self, timeout: float) -> Output | None:
        deadline = time.monotonic() + timeout
        while True:
            if not self._outbox:
                self._pump()
            if self._outbox:
                return self._outbox.popleft()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            until_window = max(self.windows.next_end - self._clock.now(), 0.001)
            with self.buffer.cond:
                if not self.buffer.ts:
                    self.buffer.cond.wait(min(remaining, until_window))

    def _pump(self) -> None:
        """Move captured events into the windows (and the raw stream), emit due windows."""
        ts, rows, dropped = self.buffer.drain()
        if dropped:
            self.dropped_total += dropped
            log.warning(
                "%s: input buffer full, %d input events dropped (%d in total)",
                self._name,
                dropped,
                self.dropped_total,
            )
            where = f"sensor:{self._name}:capture"
            self._outbox.append(Dropped(timestamp=self._clock.now(), where=where, events=dropped))
        if ts.size:
            self.windows.add(ts, rows)
            if self.raw_timings:
                self._outbox.append(Chunk(rows.astype(np.float32), ts, self.raw_info))
        ends, values = self.windows.due(self._clock.now())
        if ends.size:
            self._outbox.append(Chunk(values, ends, self.features_info))

    def stop(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.stop()
            listener.join(2.0)
            log.info("%s capture stopped", self.what)


class KeyboardSensor(InputSensor):
    """Key press/release times and coarse key classes (``keyboard`` sensor)."""

    kind = "KEYS"
    what = "keyboard"

    def _make_listener(self, pynput: Any) -> Any:
        key = pynput.keyboard.Key
        backspace = (key.backspace, key.delete)
        enter = key.enter

        def key_class(k: Any) -> int:
            # The key object is reduced to its class here and goes out of scope at once.
            if k in backspace:
                return int(KeyClass.BACKSPACE)
            if k == enter or getattr(k, "vk", None) == _XK_KP_ENTER:
                return int(KeyClass.ENTER)
            return int(KeyClass.OTHER)

        def on_press(k: Any) -> None:
            self._put((float(KeyAction.PRESS), float(key_class(k))))

        def on_release(k: Any) -> None:
            self._put((float(KeyAction.RELEASE), float(key_class(k))))

        return pynput.keyboard.Listener(on_press=on_press, on_release=on_release)


class MouseSensor(InputSensor):
    """Pointer moves, button presses/releases and scroll steps (``mouse`` sensor)."""

    kind = "MOUSE"
    what = "mouse"

    def _make_listener(self, pynput: Any) -> Any:
        b = pynput.mouse.Button
        buttons = {
            b.left: MouseButton.LEFT,
            b.right: MouseButton.RIGHT,
            b.middle: MouseButton.MIDDLE,
        }
        none = float(MouseButton.NONE)

        def on_move(x: float, y: float) -> None:
            self._put((float(MouseAction.MOVE), none, float(x), float(y), 0.0, 0.0))

        def on_click(x: float, y: float, button: Any, pressed: bool) -> None:
            action = MouseAction.PRESS if pressed else MouseAction.RELEASE
            code = float(buttons.get(button, MouseButton.NONE))
            self._put((float(action), code, float(x), float(y), 0.0, 0.0))

        def on_scroll(x: float, y: float, dx: float, dy: float) -> None:
            row = (float(MouseAction.SCROLL), none, float(x), float(y), float(dx), float(dy))
            self._put(row)

        return pynput.mouse.Listener(on_move=on_move, on_click=on_click, on_scroll=on_scroll)
