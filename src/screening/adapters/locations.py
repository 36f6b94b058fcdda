"""Where things are on disk: the packaged definitions and templates, the store, the cache."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]


def _packaged(name: str) -> Path:
    # Installed from a wheel they sit inside the package; in a source checkout (editable
    # install) they are at the top of the repository.
    inside = _PACKAGE / name
    return inside if inside.is_dir() else _PACKAGE.parents[1] / name


def store_path(given: Path | None = None) -> Path:
    """--store, or SCREENING_STORE, or screening.db in the data folder."""
    if given is not None:
        return given
    override = os.environ.get("SCREENING_STORE")
    return Path(override).expanduser() if override else data_dir() / "screening.db"


def data_dir() -> Path:
    """Where interviews and summaries are kept: SCREENING_DATA_DIR, or the user data folder."""
    override = os.environ.get("SCREENING_DATA_DIR")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_path

    return user_data_path("screening", appauthor=False)


def cache_dir() -> Path:
    """Parsed definitions kept to start faster (no patient data)."""
    override = os.environ.get("SCREENING_DATA_DIR")
    if override:
        return Path(override).expanduser() / "cache"
    from platformdirs import user_cache_path

    return user_cache_path("screening", appauthor=False)


def rules_dir() -> Path:
    return _packaged("rules")


def templates_dir() -> Path:
    return _packaged("templates")
