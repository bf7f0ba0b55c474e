"""Lazy imports of optional dependencies, with errors that name the extra to install."""

from __future__ import annotations

import importlib
from types import ModuleType

from .errors import MissingExtraError

__all__ = ["EXTRAS", "require"]

#: Which extra provides which importable module.
EXTRAS: dict[str, str] = {
    "pylsl": "lsl",
    "pyxdf": "lsl",
    "neurokit2": "signal",
    "mne": "signal",
    "torch": "models",
    "sklearn": "models",
    "pynput": "input",
    "icalendar": "calendar",
    "recurring_ical_events": "calendar",
    "caldav": "calendar",
    "matplotlib": "plots",
}


def require(module: str, feature: str) -> ModuleType:
    """Import ``module`` or raise :class:`MissingExtraError` naming the extra to install.

    Parameters
    ----------
    module
        Dotted module name, e.g. ``"pylsl"`` or ``"scipy.signal"``.
    feature
        Human-readable name of what needs it, used in the error message.
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        top = module.split(".", 1)[0]
        raise MissingExtraError(EXTRAS.get(top, "all"), feature, top) from exc
