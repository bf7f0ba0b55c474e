"""Adapters: bridges from heartmind events to the outside world (calendars, …)."""
