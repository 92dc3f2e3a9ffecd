"""Productive economy (KBO/BCE)."""
