"""Boordtabel (steering indicators)."""
