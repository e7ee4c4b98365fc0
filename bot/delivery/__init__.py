"""Getting alerts to readers: outbox pipeline, rendering, pacing, sending, edits."""
