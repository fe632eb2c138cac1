"""The deployment ``catalog deploy-files`` writes (catalog/deploy/) and the README's Deployment
section: every variable the servers get is a setting, the proxy's upstreams are the servers,
their pools fit PostgreSQL's connections, the image copies what exists, and every command the
README shows names real options. (Docker is not run here: the compose file is checked by what it
says, not by starting it.)"""

from __future__ import annotations

import re
import shlex
import stat
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml
from typer.testing import CliRunner

from catalog.cli import DEPLOY_FILES, app
from catalog.config import Settings

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "catalog" / "deploy"
RESERVED = 3  # PostgreSQL's superuser_reserved_connections
HEADROOM = 10  # migrate, expire-uploads, an operator's psql


def compose() -> dict[str, Any]:
    return dict(yaml.safe_load((DEPLOY / "compose.yaml").read_text()))


def servers(services: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: s for name, s in services.items() if s.get("command", [])[:2] == ["catalog", "serve"]}


def option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def interpolated(value: str, env: dict[str, str]) -> str:
    """Compose's ``${NAME}``, ``${NAME:?message}`` and ``${NAME:-default}``, from ``env``."""

    def one(match: re.Match[str]) -> str:
        name, rule, fallback = match.group(1), match.group(2) or "", match.group(3) or ""
        if name in env:
            return env[name]
        assert rule == ":-", f"${{{name}}} is neither in .env nor has a default"
        return fallback

    return re.sub(r"\$\{(\w+)(:\?|:-)?([^}]*)\}", one, value)


@pytest.fixture
def written(tmp_path: Path) -> dict[str, str]:
    """``catalog deploy-files`` run into a fresh folder: its .env as a dict."""
    result = CliRunner().invoke(app, ["deploy-files", str(tmp_path / "lab")])
    assert result.exit_code == 0, result.output
    env_file = tmp_path / "lab" / ".env"
    lines = env_file.read_text().splitlines()
    return dict(line.split("=", 1) for line in lines) | {"_mode": oct(stat.S_IMODE(env_file.stat().st_mode))}


def test_deploy_files_writes_the_compose_file_the_proxy_and_fresh_secrets(
    written: dict[str, str], tmp_path: Path
) -> None:
    for name in DEPLOY_FILES:
        assert (tmp_path / "lab" / name).read_text() == (DEPLOY / name).read_text()
    assert written["_mode"] == "0o600"
    assert written["CATALOG_SOURCE"] == str(ROOT)
    assert len(written["CATALOG_SECRET_KEY"]) == 64
    assert written["CATALOG_SECRET_KEY"] != written["POSTGRES_PASSWORD"]

    again = CliRunner().invoke(app, ["deploy-files", str(tmp_path / "lab")])
    assert again.exit_code == 0
    assert "exists: kept as it is" in again.stderr
    assert (
        dict(line.split("=", 1) for line in (tmp_path / "lab" / ".env").read_text().splitlines())[
            "CATALOG_SECRET_KEY"
        ]
        == written["CATALOG_SECRET_KEY"]
    )


def test_every_server_reads_its_settings_from_the_compose_environment(written: dict[str, str]) -> None:
    services = compose()["services"]
    running = servers(services)
    assert len(running) >= 2
    fields = set(Settings.model_fields)
    for name, service in [*running.items(), ("migrate", services["migrate"])]:
        environment = {
            key: interpolated(str(value), written) for key, value in service["environment"].items()
        }
        ours = {key for key in environment if key.startswith("CATALOG_")}
        assert {key.removeprefix("CATALOG_").lower() for key in ours} <= fields, name
        settings = Settings(**{key.removeprefix("CATALOG_").lower(): environment[key] for key in ours})
        assert settings.database_url.startswith("postgresql+asyncpg://catalog:")
        assert settings.database_url.endswith("@postgres:5432/catalog")
        assert settings.storage_url == "s3://catalog"
        assert settings.secret_key == written["CATALOG_SECRET_KEY"]  # one secret for every server
        assert settings.public_url == written["CATALOG_PUBLIC_URL"]
        assert settings.s3_public_endpoint_url == written["S3_PUBLIC_URL"]


def test_the_proxy_sends_requests_to_every_server_and_only_to_them() -> None:
    services = compose()["services"]
    upstreams = re.findall(r"^\s*server\s+([\w-]+):(\d+)", (DEPLOY / "nginx.conf").read_text(), re.MULTILINE)
    listening = {(name, option(s["command"], "--port")) for name, s in servers(services).items()}
    assert set(upstreams) == listening
    assert "./nginx.conf:/etc/nginx/conf.d/default.conf:ro" in services["proxy"]["volumes"]
    assert set(services["proxy"]["depends_on"]) == {name for name, _ in listening}


def test_the_servers_pools_fit_in_the_connections_postgresql_takes() -> None:
    """The README's rule: servers x workers x (pool + overflow) <= max_connections - reserved - headroom."""
    services = compose()["services"]
    max_connections = int(option(services["postgres"]["command"], "-c").split("=")[1])
    wanted = sum(
        int(option(s["command"], "--workers"))
        * (int(s["environment"]["CATALOG_DB_POOL_SIZE"]) + int(s["environment"]["CATALOG_DB_MAX_OVERFLOW"]))
        for s in servers(services).values()
    )
    assert wanted <= max_connections - RESERVED - HEADROOM


def test_the_servers_start_after_the_migration_and_the_bucket_and_are_checked_by_readyz() -> None:
    services = compose()["services"]
    assert services["migrate"]["command"] == ["catalog", "db", "upgrade"]
    for service in servers(services).values():
        assert service["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert service["depends_on"]["bucket"] == {"condition": "service_completed_successfully"}
        assert "/readyz" in " ".join(service["healthcheck"]["test"])


def test_the_image_copies_what_the_checkout_holds() -> None:
    ignored = (DEPLOY / "Dockerfile.dockerignore").read_text()
    for line in (DEPLOY / "Dockerfile").read_text().splitlines():
        if line.startswith("COPY ") and "--from" not in line:
            for source in line.split()[1:-1]:
                assert (ROOT / source).exists(), source
                assert source.rstrip("/") not in ignored.split(), source


def deployment_commands() -> list[list[str]]:
    """The ``catalog ...`` commands in the code blocks of the README's Deployment section (after
    a prefix such as ``docker compose run --rm migrate``, up to a shell operator)."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Deployment\n", 1)[1].split("\n## ", 1)[0]
    commands = []
    for block in re.findall(r"```(?:bash|sh)\n(.*?)```", section, re.DOTALL):
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            while "catalog" in words:
                words = words[words.index("catalog") :]
                end = next((i for i, w in enumerate(words) if w in {"&&", "||", "|", ";"}), len(words))
                commands.append(words[:end])
                words = words[end:]
    return commands


def test_the_readme_deployment_commands_name_real_options(subtests: pytest.Subtests) -> None:
    commands = deployment_commands()
    assert {"serve", "deploy-files", "expire-uploads"} <= {words[1] for words in commands}
    root = typer.main.get_command(app)
    for words in commands:
        with subtests.test(command=" ".join(words)):
            command: Any = root
            rest = words[1:]
            while rest and rest[0] in getattr(command, "commands", {}):
                command, rest = command.commands[rest[0]], rest[1:]
            assert command is not root, words
            names = {opt for param in command.params for opt in param.opts + param.secondary_opts}
            for word in rest:
                if word.startswith("--"):
                    assert word.split("=", 1)[0] in names, f"{word} is not an option of {' '.join(words[:2])}"
