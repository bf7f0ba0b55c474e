"""Public classes and functions of the fusion plugin.

    from heartmind.plugins.fusion.api import FusionProcessor, provenance

:class:`FusionProcessor` is what the ``fusion`` spec builds (usable directly, e.g. to
re-fuse recorded events); :func:`provenance` formats its ``model`` field.
"""

from __future__ import annotations

from ._processor import DEFAULT_QUALITY_STREAMS, FusionProcessor, provenance

__all__ = ["DEFAULT_QUALITY_STREAMS", "FusionProcessor", "provenance"]
