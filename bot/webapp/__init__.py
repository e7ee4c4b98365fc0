"""The settings page as a Telegram Mini App: signed init data, a JSON API, a static page."""
