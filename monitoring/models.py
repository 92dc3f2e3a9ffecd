"""Implementation monitoring."""
