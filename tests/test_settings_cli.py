"""Settings, .env.example and the CLI's documentation stay in step."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.settings import Settings, get_settings
from tests.conftest import REPO


def _example_keys() -> dict[str, str]:
    text = (REPO / ".env.example").read_text(encoding="utf-8")
    return dict(re.findall(r"^(STANCEWATCH_[A-Z_]+)=(.*)$", text, flags=re.M))


def test_env_example_lists_every_setting_with_its_default() -> None:
    keys = _example_keys()
    for name, field in Settings.model_fields.items():
        key = f"STANCEWATCH_{name.upper()}"
        assert key in keys, f"{key} missing from .env.example"
        default = field.default
        expected = (
            "" if default is None else str(default).lower() if isinstance(default, bool) else str(default)
        )
        assert keys[key] == expected, f"{key}: .env.example says {keys[key]!r}, the code {expected!r}"
    assert len(keys) == len(Settings.model_fields)


def test_env_example_as_dotenv_gives_the_defaults(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text((REPO / ".env.example").read_text(encoding="utf-8"), encoding="utf-8")
    assert get_settings() == Settings.model_construct(
        **{k: f.default for k, f in Settings.model_fields.items()}
    )


def test_env_and_options_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("STANCEWATCH_DB=from-dotenv.duckdb\n", encoding="utf-8")
    assert get_settings().db == Path("from-dotenv.duckdb")
    monkeypatch.setenv("STANCEWATCH_DB", "from-env.duckdb")
    assert get_settings().db == Path("from-env.duckdb")
    assert get_settings(db=Path("from-option.duckdb")).db == Path("from-option.duckdb")


def _commands(typer_app: object, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    import typer.main

    group = typer.main.get_command(typer_app)  # type: ignore[arg-type]
    found: list[tuple[str, ...]] = []

    def walk(cmd: object, path: tuple[str, ...]) -> None:
        sub = getattr(cmd, "commands", None)
        if sub:
            for name, child in sub.items():
                walk(child, (*path, name))
        else:
            found.append(path)

    walk(group, prefix)
    return found


def test_every_command_has_help_with_an_example() -> None:
    runner = CliRunner()
    commands = _commands(app)
    assert {("demo",), ("ingest",), ("digest",), ("sql",), ("claims", "export")} <= set(commands)
    for path in commands:
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Example" in result.output, f"`stancewatch {' '.join(path)} --help` shows no example"
        readme = (REPO / "README.md").read_text(encoding="utf-8")
        assert f"stancewatch {' '.join(path)}" in readme, f"README does not document `{' '.join(path)}`"
