"""Hostile and odd input: regression tests for issue 10."""
