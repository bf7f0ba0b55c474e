"""XDF 1.0 files: an incremental, crash-safe writer and a vectorised reader (pure numpy).

* :class:`XdfWriter` writes what LabRecorder writes (file header, stream headers with
  ``desc/channels``, Samples, ClockOffset, Boundary and StreamFooter chunks), streams
  may be added at any time, and a killed writer leaves a file readers load.
* :func:`read_xdf` reads files of any XDF 1.0 writer, bit-identical to ``pyxdf`` without
  synchronisation and dejittering, many times faster.
* :func:`iter_xdf_chunks` reads a file block by block (memory bounded by the block
  size), the blocks of a stream concatenating to what :func:`read_xdf` returns.
* :func:`xdf_info` summarises a file without decoding its samples;
  :func:`xdf_file_header` reads its FileHeader alone.

See ``docs/xdf.md`` for the format notes (gaps in the footer, timestamp deduction).
"""

from __future__ import annotations

from ._format import XdfError, XdfGap
from .chunks import XdfBlock, iter_xdf_chunks
from .info import xdf_file_header, xdf_info
from .reader import XdfStream, read_xdf
from .writer import XdfWriter

__all__ = [
    "XdfBlock",
    "XdfError",
    "XdfGap",
    "XdfStream",
    "XdfWriter",
    "iter_xdf_chunks",
    "read_xdf",
    "xdf_file_header",
    "xdf_info",
]
