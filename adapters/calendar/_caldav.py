"""Optional CalDAV sync: read a calendar collection as one VCALENDAR, write changes back.

Only the server the user names is contacted; every request has a timeout. The ``caldav``
package loads lazily (``heartmind[calendar]``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from heartmind.errors import ConfigError
from heartmind.extras import require

from ._ics_read import icalendar

__all__ = ["CalDAVSource", "fetch", "push"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CalDAVSource:
    """Where a CalDAV calendar collection lives.

    Parameters
    ----------
    url
        URL of the calendar collection (e.g. ``https://dav.example.org/alice/work/``).
    username, password
        Credentials, if the server needs them (pass the password from the environment).
    timeout
        Timeout of every request, in s.
    """

    url: str
    username: str | None = None
    password: str | None = None
    timeout: float = 10.0

    def calendar(self) -> Any:
        """The ``caldav.Calendar`` object of the collection."""
        caldav = require("caldav", "CalDAV sync of the calendar adapter")
        client = caldav.DAVClient(
            url=self.url, username=self.username, password=self.password, timeout=self.timeout
        )
        return client.calendar(url=self.url)


def _fail(source: CalDAVSource, what: str, exc: Exception) -> ConfigError:
    return ConfigError(
        f"CalDAV {what} at {source.url} failed ({type(exc).__name__}: {exc}); check the URL, "
        "that the server runs, and the credentials."
    )


def fetch(source: CalDAVSource) -> bytes:
    """All events of the collection merged into one VCALENDAR (time zones once each)."""
    ical = icalendar()
    try:
        objects = source.calendar().events()
        parts = [ical.Calendar.from_ical(obj.data) for obj in objects]
    except Exception as exc:
        raise _fail(source, "read", exc) from exc
    merged = ical.Calendar()
    merged.add("PRODID", "-//heartmind//calendar adapter//EN")
    merged.add("VERSION", "2.0")
    zones: set[str] = set()
    for part in parts:
        for comp in part.subcomponents:
            if comp.name == "VTIMEZONE":
                if str(comp.get("TZID")) in zones:
                    continue
                zones.add(str(comp.get("TZID")))
            merged.add_component(comp)
    log.info("read %d calendar objects from %s", len(parts), source.url)
    data: bytes = merged.to_ical()
    return data


def _resource(cal: Any, uid: str) -> str:
    """A VCALENDAR with every component of ``uid`` and the time zones they use."""
    ical = icalendar()
    out = ical.Calendar()
    out.add("PRODID", "-//heartmind//calendar adapter//EN")
    out.add("VERSION", "2.0")
    events = [c for c in cal.subcomponents if str(c.get("UID", "")) == uid]
    used = {
        str(prop.params["TZID"])
        for ev in events
        for prop in ev.values()
        if hasattr(prop, "params") and "TZID" in prop.params
    }
    for comp in cal.subcomponents:
        if comp.name == "VTIMEZONE" and str(comp.get("TZID")) in used:
            out.add_component(comp)
    for ev in events:
        out.add_component(ev)
    text: str = out.to_ical().decode("utf-8")
    return text


def push(source: CalDAVSource, data: bytes, uids: Iterable[str]) -> None:
    """Write the events with ``uids`` from ``data`` back to the collection (update in
    place, or create new ones such as recovery breaks)."""
    caldav = require("caldav", "CalDAV sync of the calendar adapter")
    cal = icalendar().Calendar.from_ical(data)
    try:
        remote = source.calendar()
        for uid in dict.fromkeys(uids):
            text = _resource(cal, uid)
            try:
                obj = remote.event_by_uid(uid)
            except caldav.lib.error.NotFoundError:
                remote.save_event(text)
                continue
            obj.data = text
            obj.save()
    except Exception as exc:
        raise _fail(source, "write", exc) from exc
    log.info("wrote changes to %s", source.url)
