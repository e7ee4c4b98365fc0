"""Where the data the bot ships with lives: seeds/ beside the source tree, or ./seeds/."""

from __future__ import annotations

import os
from pathlib import Path

SOURCE_TREE_SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def seed_path(setting: str, name: str) -> Path:
    """The file the environment variable `setting` names, else the source tree's
    seeds/`name` (a checkout), else ./seeds/`name` (the Docker image's working dir)."""
    configured = os.environ.get(setting)
    if configured:
        return Path(configured)
    in_tree = SOURCE_TREE_SEEDS / name
    if in_tree.exists():
        return in_tree
    return Path("seeds") / name
