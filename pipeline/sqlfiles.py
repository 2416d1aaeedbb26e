"""Load SQL by name from ``sql/``: numbered migrations and named queries.

The ``sql/`` folder ships inside the package data (see pyproject) and also sits at the repository top
for users to read; both are the same files.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

_MIGRATION = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


def sql_dir() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "sql", here.parent / "sql"):
        if (candidate / "migrations").is_dir():
            return candidate
    raise FileNotFoundError("sql/ folder not found beside the pipeline package")


@cache
def query(name: str) -> str:
    """The text of ``sql/queries/<name>.sql``."""
    path = sql_dir() / "queries" / f"{name}.sql"
    if not path.is_file():
        raise KeyError(f"no named query {name!r} in {path.parent}")
    return path.read_text(encoding="utf-8")


def migrations() -> list[tuple[int, str, str]]:
    """(version, file name, SQL) of every migration, in order."""
    found = []
    for path in sorted((sql_dir() / "migrations").iterdir()):
        m = _MIGRATION.match(path.name)
        if m:
            found.append((int(m.group(1)), path.name, path.read_text(encoding="utf-8")))
    return found
