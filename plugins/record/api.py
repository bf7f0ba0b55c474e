"""Public classes of the ``record`` plugin: the XDF recorder consumer.

    from heartmind.plugins.record.api import XdfRecorder

    session.add_consumer(XdfRecorder(path="session.xdf"), name="rec")

(or by spec name: ``session.add_consumer("xdf-recorder", path="session.xdf")``).
"""

from __future__ import annotations

from ._recorder import EVENTS_STREAM, OFFSET_INTERVAL, StreamRecord, XdfRecorder

__all__ = ["EVENTS_STREAM", "OFFSET_INTERVAL", "StreamRecord", "XdfRecorder"]
