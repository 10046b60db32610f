"""Clusters feature."""
