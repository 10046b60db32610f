"""Handovers feature."""
