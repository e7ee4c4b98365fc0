"""One alert per story: recognising the same event reported by two sources."""
