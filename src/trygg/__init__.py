"""Trygg: the shared system for a city's joint safety work."""

__version__ = "0.1.0"
