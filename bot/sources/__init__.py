"""Liveblog sources: fetching politely and parsing every format into entries."""
