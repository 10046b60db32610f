"""Bình xét: the criteria table, scoring in stages and the ranking."""
