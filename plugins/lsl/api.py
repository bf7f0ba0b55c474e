"""Public API of the ``lsl`` plugin: safe LSL set-up, stream descriptions, resolving, the
inlet/outlet classes and their factories.

Other plugins and applications use Lab Streaming Layer through this module only (the
plugin's other modules are private)::

    from heartmind.plugins.lsl.api import ensure_lsl, to_lsl_info

    pylsl = ensure_lsl()  # machine-only unless you opt in to scope="lan"
    outlet = pylsl.StreamOutlet(to_lsl_info(pylsl, info, name="ecg", source_id="dev-1"))

Importing this module does not import pylsl: :func:`ensure_lsl` does, and so does
building an inlet, outlet or ``lsl-streams`` sensor (``pip install "heartmind[lsl]"``).
"""

from __future__ import annotations

from ._lsl_inlet import LSLInlet
from ._lsl_outlet import LSLOutlet
from ._lsl_streams import LSLStreams
from ._resolve import (
    StreamNotFoundError,
    build_predicate,
    describe,
    resolve_one,
    selection_predicate,
)
from ._safe_config import (
    LSLUnsafeError,
    Scope,
    ensure_lsl,
    lsl_scope,
    lsl_subprocess_env,
    machine_config_text,
)
from ._stream_info import CHANNEL_FORMATS, dtype_of, from_lsl_info, to_lsl_info

__all__ = [
    "CHANNEL_FORMATS",
    "LSLInlet",
    "LSLOutlet",
    "LSLStreams",
    "LSLUnsafeError",
    "Scope",
    "StreamNotFoundError",
    "build_predicate",
    "describe",
    "dtype_of",
    "ensure_lsl",
    "from_lsl_info",
    "lsl_scope",
    "lsl_subprocess_env",
    "machine_config_text",
    "open_inlet",
    "open_outlet",
    "open_streams",
    "resolve_one",
    "selection_predicate",
    "to_lsl_info",
]


#: Factories of the specs (the classes themselves; options: ``heartmind plugins SPEC``).
open_inlet = LSLInlet
open_streams = LSLStreams
open_outlet = LSLOutlet
