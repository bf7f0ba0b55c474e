"""Date-times as recordings write them (ISO 8601, with or without a zone) -> UTC."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["parse_datetime"]


def parse_datetime(text: object) -> datetime | None:
    """An ISO 8601 date-time as UTC (naive values taken as UTC), or None if unparseable."""
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
