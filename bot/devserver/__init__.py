"""A local stand-in for the Telegram Bot API, for tests and the offline demo.

It speaks the Bot API methods the bot uses over real HTTP, enforces Telegram's
limits the way Telegram answers them, and has a control API for injecting user
actions and faults and for reading what the bot sent.
"""

from bot.devserver.server import DevServer

__all__ = ["DevServer"]
