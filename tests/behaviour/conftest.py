"""Fixtures of the behaviour tests (see behaviour_xkit)."""

from __future__ import annotations

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:  # make behaviour_xkit importable under every import mode
    sys.path.insert(0, _HERE)

from behaviour_xkit import display, xvfb  # noqa: E402

__all__ = ["display", "xvfb"]
