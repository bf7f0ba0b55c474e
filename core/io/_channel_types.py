"""Channel types from channel labels and units, as people write them in their files.

``"ECG"``, ``"EKG"``, ``"ECG II"``, ``"Lead I"``, ``"MLII"`` and the bare 12-lead names
``I`` … ``V6`` are ECG; ``"PPG"``, ``"PLETH"``, ``"BVP"`` PPG; ``"EDA"``, ``"GSR"`` EDA;
``"RESP"``, ``"Thorax"`` RSP; 10–20 names (``Fp1``, ``Cz``, ``O2``, ``Fpz-Cz``) EEG; a unit
in siemens says EDA, ``bpm`` HR, ``°C`` TEMP, ``g`` ACC. A label that starts with a type
word and a space (``"ECG I"``, ``"EEG Fz"``, EDF's convention) has that type, and the rest is
the channel's name. The ``types=`` argument of :func:`heartmind.io.open_recording` overrides
all of this, channel by channel.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from ._recording import RecordingError

__all__ = [
    "TypeOverride",
    "channel_type",
    "normalise_type",
    "resolve_types",
    "split_type_prefix",
]

#: Type names as files spell them -> heartmind stream type.
_SYNONYMS: dict[str, str] = {
    "EKG": "ECG",
    "GSR": "EDA",
    "RESP": "RSP",
    "RESPIRATION": "RSP",
    "BVP": "PPG",
    "PLETH": "PPG",
    "TEMPERATURE": "TEMP",
    "MARKER": "MARKERS",
    "MARKERS": "MARKERS",
    "ACCEL": "ACC",
}
#: File types that say nothing about the signal.
_GENERIC = frozenset({"", "MISC", "AUX", "BIO", "EXG", "OTHER", "UNKNOWN", "CH", "CHANNEL"})

#: Label patterns (matched on the lower-cased label, runs of space/_ made one space).
_LABELS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        ("ECG", r"^(ecg|ekg)|^lead( ?(i{1,3}|av[rlf]|v[1-6]))?$|^(i{1,3}|av[rlf]|v[1-6])$"),
        ("ECG", r"^ml ?(i{1,3}|[1-3])$"),
        ("HR", r"^(hr|heart ?rate|pulse ?rate|bpm)$"),
        ("PPG", r"^(ppg|pleth|bvp|photopleth|pulse$|pulse ?wave)"),
        ("TEMP", r"^(temp|skt|skin ?temp)"),
        ("EDA", r"^(eda|gsr|scl|scr|skin ?cond|electrodermal|skin$)"),
        ("RSP", r"^(rsp|resp|breath|airflow|thorax|thor$|abdomen|abdo$)"),
        ("EMG", r"^emg"),
        ("EOG", r"^[hv]?eog"),
        ("EEG", r"^eeg"),
        ("ACC", r"^acc(el)?"),
        ("SPO2", r"^spo2"),
        ("RADAR", r"^radar"),
    )
)
#: One electrode of the 10–20/10–10 systems (and mastoid/ear references).
_ELECTRODE = re.compile(r"^((fp|af|f|ft|fc|t|tp|c|cp|p|po|o|i)(z|[0-9]{1,2})|[am][12])$")
#: Units (lower case) that name the quantity.
_UNITS: dict[str, str] = {
    **dict.fromkeys(("us", "µs", "μs", "microsiemens", "ms/cm"), "EDA"),
    **dict.fromkeys(("bpm", "beats/min", "1/min"), "HR"),
    **dict.fromkeys(("degc", "°c", "celsius", "deg c"), "TEMP"),
    **dict.fromkeys(("g", "m/s^2", "m/s2", "m/s²", "mg"), "ACC"),
}


def normalise_type(kind: str) -> str:
    """A type as a file spells it, in heartmind's words (``"EKG"`` → ``"ECG"``), upper case."""
    upper = kind.strip().upper()
    return _SYNONYMS.get(upper, upper)


def split_type_prefix(label: str) -> tuple[str | None, str]:
    """``"ECG I"`` → ``("ECG", "I")``; a label without a type word first → ``(None, label)``.

    The type word must be one a file uses for a signal type (``ECG``, ``EKG``, ``EEG``,
    ``EMG``, ``EOG``, ``PPG``, ``EDA``, ``GSR``, ``RESP``, …) followed by a space.
    """
    head, sep, rest = label.strip().partition(" ")
    if not sep or not rest.strip():
        return None, label
    kind = normalise_type(head)
    if kind in ("ECG", "EEG", "EMG", "EOG", "PPG", "EDA", "RSP", "TEMP", "ACC"):
        return kind, rest.strip()
    return None, label


def channel_type(label: str, unit: str = "") -> str | None:
    """The stream type a channel's label (or, failing that, its unit) names, else None.

    >>> channel_type("Lead II"), channel_type("PLETH"), channel_type("Fpz-Cz")
    ('ECG', 'PPG', 'EEG')
    """
    name = re.sub(r"[\s_]+", " ", label.strip().lower())
    for kind, pattern in _LABELS:
        if pattern.search(name):
            return kind
    parts = [p.strip() for p in re.split(r"[-:]", name) if p.strip()]
    if parts and all(_ELECTRODE.match(p) for p in parts):
        return "EEG"
    return _UNITS.get(unit.strip().lower())


class TypeOverride:
    """The ``types=`` argument: one type for every channel, or a type per channel label.

    Keys match a channel's label as written in the file or as named after its type word
    (``"ECG I"`` or ``"I"``), exactly or else ignoring case. :meth:`check` raises for keys
    that matched no channel.
    """

    def __init__(self, types: str | Mapping[str, str] | None) -> None:
        self.all: str | None = None
        self.by_label: dict[str, str] = {}
        if isinstance(types, str):
            self.all = normalise_type(types) or None
        elif types is not None:
            self.by_label = {str(k): normalise_type(str(v)) for k, v in types.items()}
        self._lower = {k.lower(): k for k in self.by_label}
        self._used: set[str] = set()

    def get(self, *labels: str) -> str | None:
        """The type given for a channel known by any of ``labels``, else None."""
        if self.all is not None:
            return self.all
        for label in labels:
            key = label if label in self.by_label else self._lower.get(label.lower())
            if key is not None:
                self._used.add(key)
                return self.by_label[key]
        return None

    def check(self, channels: Sequence[str], where: str) -> None:
        """Raise :class:`RecordingError` if a label of ``types`` matched no channel."""
        unused = [k for k in self.by_label if k not in self._used]
        if unused:
            raise RecordingError(
                f"{where}: types= names channel {unused[0]!r}, which the recording does not "
                f"have; its channels are {', '.join(channels) or 'none'}."
            )


def resolve_types(
    labels: Sequence[str],
    units: Sequence[str],
    *,
    override: TypeOverride,
    given: Sequence[str | None] | None = None,
    default: str | Sequence[str],
    aliases: Sequence[str] | None = None,
) -> tuple[str, ...]:
    """One type per channel: ``override`` first, then a non-generic type the file ``given``,
    then the label and unit (:func:`channel_type`), then ``default`` (one for all or one per
    channel). ``aliases`` are other labels of the same channels for ``override``."""
    out: list[str] = []
    for i, (label, unit) in enumerate(zip(labels, units, strict=True)):
        names = (label,) if aliases is None else (label, aliases[i])
        kind = override.get(*names)
        if kind is None and given is not None:
            stated = normalise_type(given[i] or "")
            kind = None if stated in _GENERIC else stated
        if kind is None:
            kind = channel_type(label, unit)
        if kind is None:
            kind = normalise_type(default if isinstance(default, str) else default[i])
        out.append(kind)
    return tuple(out)
