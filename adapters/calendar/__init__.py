"""Stress-aware calendar adapter: reads .ics calendars, proposes and applies rescheduling."""
