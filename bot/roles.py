"""What one process of the bot does (`liveblog-alerts run --role …`).

- `all` (default): everything in one process, as always (SQLite or PostgreSQL).
- `ingest`: polls the sources, matches, writes the outbox, and handles the chat's
  updates (commands and buttons, by long polling or webhook): Telegram hands each update
  to one consumer, so exactly one process may ask for them: run one ingest process.
- `deliver`: sends the outbox (alerts, hourly batches, edits, digests) and nothing else;
  run as many as needed, on PostgreSQL. They share the outbox through chat leases and
  Telegram's overall limits through the database (bot/delivery/leases.py,
  bot/delivery/shared_pacing.py).
"""

from __future__ import annotations

from typing import Literal

Role = Literal["all", "ingest", "deliver"]
ROLES: tuple[Role, ...] = ("all", "ingest", "deliver")
