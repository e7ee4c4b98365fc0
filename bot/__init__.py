"""liveblog-alerts: follow news liveblogs, alert readers about their topics in Telegram."""

__version__ = "0.1.0"
