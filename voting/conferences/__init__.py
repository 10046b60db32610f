"""Conferences feature."""
