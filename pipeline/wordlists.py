"""The word lists in ``pipeline/data/``: one entry a line, ``#`` comment lines and blank lines skipped.

Every stage reads its lists through here, so a list's format is the same everywhere and each file is read
once per process.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


@cache
def data_lines(name: str) -> tuple[str, ...]:
    """The entries of ``data/<name>``, stripped, in file order."""
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@cache
def word_set(name: str) -> frozenset[str]:
    """The entries of ``data/<name>``, lower case."""
    return frozenset(line.lower() for line in data_lines(name))
