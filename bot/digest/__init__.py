"""The daily digest: on request and on a schedule, grouped by topic."""
