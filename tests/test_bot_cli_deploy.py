"""The deploy files (issue 11): the systemd unit runs as its own user with hardening; the
Dockerfile is small and non-root with data on a volume; compose runs it with PostgreSQL.

Where Docker works (``docker info``), the image is built and run; everywhere, the image's layout
is rebuilt in a temporary folder from the Dockerfile's own COPY lines and uv command, and run."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

UNIT = ROOT / "deploy" / "t2bot.service"
DOCKERFILE = ROOT / "Dockerfile"


def _unit() -> dict[str, dict[str, list[str]]]:
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] = {}
    for raw in UNIT.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
        else:
            key, _, value = line.partition("=")
            current.setdefault(key, []).append(value)
    return sections


def test_the_unit_runs_as_its_own_user_without_the_test_tools() -> None:
    service = _unit()["Service"]
    assert service["User"] == ["t2bot"] and service["Group"] == ["t2bot"]
    assert service["WorkingDirectory"] == ["/opt/t2bot/bot"]
    command = shlex.split(service["ExecStart"][0])
    assert command[1:3] == ["run", "--no-dev"] and command[-1] == "bot.py"
    assert service["Restart"] == ["on-failure"]
    assert service["UMask"] == ["0077"]  # the database and backups hold health data
    for key, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "ReadWritePaths": "/opt/t2bot",
        "CapabilityBoundingSet": "",
    }.items():
        assert service[key] == [value], key
    assert _unit()["Install"]["WantedBy"] == ["multi-user.target"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    # Only the uv path is this machine's: point it at a program that exists.
    text = UNIT.read_text().replace("/opt/t2bot/.local/bin/uv", shutil.which("true") or "/bin/true")
    copy = tmp_path / "t2bot.service"
    copy.write_text(text)
    done = subprocess.run(
        ["systemd-analyze", "verify", str(copy)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "t2bot.service" not in done.stderr, done.stderr


def test_the_readme_gives_the_admin_the_unit_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    for text in (
        "deploy/t2bot.service",
        "/etc/systemd/system/t2bot.service",
        "systemctl enable --now t2bot",
        "journalctl -u t2bot",
        "uv run --no-dev bot.py",
        "uv sync --extra postgres",
        "--clear-dev-guild",
        "--backup",
        "pg_dump",
    ):
        assert text in readme, text


# ---------------------------------------------------------------- Docker


def _final_stage() -> list[str]:
    lines = [
        line.strip()
        for line in DOCKERFILE.read_text().replace("\\\n", " ").splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    last = max(i for i, line in enumerate(lines) if line.startswith("FROM "))
    return lines[last:]


def test_the_image_is_non_root_with_data_on_a_volume() -> None:
    final = _final_stage()
    users = [line.split()[1] for line in final if line.startswith("USER ")]
    assert users and users[-1] not in {"root", "0"}
    assert 'VOLUME ["/app/data"]' in final
    assert any(line.startswith("ENTRYPOINT") and "bot.py" in line for line in final)
    build = DOCKERFILE.read_text()
    assert "uv sync --frozen --no-dev --extra postgres" in build
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".env", "data", ".venv", ".git"} <= set(ignored)


def test_the_image_layout_runs(tmp_path: Path) -> None:
    """The files the Dockerfile copies, with its uv command, are enough to run the bot."""
    app = tmp_path / "app"
    app.mkdir()
    for line in _final_stage():
        if line.startswith("COPY ") and "--from" not in line:
            source = line.split()[1]
            target = app / Path(line.split()[2]).name if source != "bot.py" else app
            path = ROOT / source
            if path.is_dir():
                shutil.copytree(path, target, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy(path, app)
    for name in ("pyproject.toml", "uv.lock"):
        shutil.copy(ROOT / name, tmp_path / name)
    uv_line = next(
        line for line in DOCKERFILE.read_text().splitlines() if line.startswith("RUN uv sync")
    )
    venv = tmp_path / "venv"
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(venv), "UV_PYTHON": sys.executable}
    env.pop("VIRTUAL_ENV", None)
    done = subprocess.run(
        [*shlex.split(uv_line.removeprefix("RUN ")), "-q"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    site = next(venv.glob("lib/python*/site-packages"))
    installed = {p.name.split("-")[0].lower() for p in site.glob("*.dist-info")}
    assert "psycopg" in installed and "discord.py".replace(".", "_") in installed
    assert not installed & {"pytest", "ruff", "mypy", "simcord"}, "no test tools in the image"
    python = venv / "bin" / "python"
    run_env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path)}
    check = subprocess.run(
        [str(python), "bot.py", "--check-knowledge"],
        cwd=app,
        env=run_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0 and "distinct paths" in check.stdout, check.stderr


def _docker_works() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@pytest.mark.skipif(
    not _docker_works(), reason="no Docker daemon here (see test_the_image_layout_runs)"
)
def test_docker_builds_and_runs_the_image() -> None:
    tag = "t2bot-ci-test"
    built = subprocess.run(
        ["docker", "build", "-t", tag, str(ROOT)], capture_output=True, text=True, timeout=1800
    )
    assert built.returncode == 0, built.stderr[-3000:]
    ran = subprocess.run(
        ["docker", "run", "--rm", tag, "--check-knowledge"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ran.returncode == 0 and "distinct paths" in ran.stdout, ran.stderr
    user = subprocess.run(
        ["docker", "run", "--rm", "--entrypoint", "id", tag, "-u"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert user.stdout.strip() not in {"", "0"}


def test_compose_runs_the_bot_with_postgres() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    db, bot = compose["services"]["db"], compose["services"]["bot"]
    assert db["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert bot["build"] == "."
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    url = bot["environment"]["DATABASE_URL"]
    assert re.fullmatch(r"postgresql://t2bot:\$\{POSTGRES_PASSWORD\}@db:5432/t2bot", url)
    assert "bot-data:/app/data" in bot["volumes"]
    assert "db-data:/var/lib/postgresql/data" in db["volumes"]
    assert set(compose["volumes"]) == {"db-data", "bot-data"}
