"""Where the data the bot ships with lives: seeds/ beside the source tree, or ./seeds/."""

from __future__ import annotations

import os
from pathlib import Path

SOURCE_TREE_SEEDS = Path(__file__).resolve().parents[1] / "seeds"

# Paths the settings chose (LIVEBLOG_LEXICON and friends, from the environment or .env):
# they win over the process environment, which pydantic-settings has already read.
_CHOSEN: dict[str, Path] = {}


def choose(setting: str, path: Path | None) -> None:
    """Use `path` for `setting` from now on (None: back to the default)."""
    if path is None:
        _CHOSEN.pop(setting, None)
    else:
        _CHOSEN[setting] = path


def seed_path(setting: str, name: str) -> Path:
    """The file the settings (or the environment variable `setting`) name, else the
    source tree's seeds/`name` (a checkout), else ./seeds/`name` (the Docker image)."""
    chosen = _CHOSEN.get(setting)
    if chosen is not None:
        return chosen
    configured = os.environ.get(setting)
    if configured:
        return Path(configured)
    in_tree = SOURCE_TREE_SEEDS / name
    if in_tree.exists():
        return in_tree
    return Path("seeds") / name
