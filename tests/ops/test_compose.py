"""docker-compose.yml parses and describes the scale-out recipe (no Docker engine here)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.cli import build_parser
from bot.config import LiveblogSettings

COMPOSE = Path(__file__).resolve().parents[2] / "docker-compose.yml"


def load() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text())
    assert isinstance(data, dict)
    return data


def test_one_ingest_two_deliver_workers_on_postgres() -> None:
    services = load()["services"]
    assert set(services) == {"postgres", "ingest", "deliver"}
    assert services["ingest"]["command"] == ["run", "--role", "ingest"]
    assert services["deliver"]["command"] == ["run", "--role", "deliver"]
    assert services["deliver"]["deploy"]["replicas"] == 2
    postgres = services["postgres"]["environment"]
    for worker in ("ingest", "deliver"):
        service = services[worker]
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert service["env_file"] == ".env"  # the token never sits in the file
        db = service["environment"]["LIVEBLOG_DB"]
        assert db == (
            f"postgresql://{postgres['POSTGRES_USER']}:{postgres['POSTGRES_PASSWORD']}"
            f"@postgres:5432/{postgres['POSTGRES_DB']}"
        )
    assert "pg-data" in load()["volumes"]


def test_the_workers_settings_are_real_settings() -> None:
    """Every LIVEBLOG_ variable the file sets is one the bot reads, with a valid value."""
    environment = load()["services"]["ingest"]["environment"]
    known = {f"LIVEBLOG_{name.upper()}" for name in LiveblogSettings.model_fields}
    assert set(environment) <= known
    values = {k.removeprefix("LIVEBLOG_").lower(): v for k, v in environment.items()}
    assert str(values.pop("db")).startswith("postgresql://")  # --role needs PostgreSQL
    settings = LiveblogSettings(**values)
    assert settings.metrics_listen == "0.0.0.0:9090"
    assert settings.log_json is True
    # The command lines the services run are ones the CLI takes.
    for worker in ("ingest", "deliver"):
        args = build_parser().parse_args(load()["services"][worker]["command"])
        assert (args.command, args.role) == ("run", worker)
