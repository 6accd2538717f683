"""One typed settings object, read from a TOML file and the environment.

Precedence (highest first): environment (``JEUGDREGIE_*``), the file named by ``JEUGDREGIE_CONFIG``
(default ``~/.config/jeugdregie/config.toml``), defaults. Secrets (the pseudonymisation key and the session
key) are never in the repository: they come from the environment or from key files outside it.
"""

from __future__ import annotations

import os
import secrets
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

CONFIG_HOME = Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config")) / "jeugdregie"
DATA_HOME = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "jeugdregie"


def _file_values() -> dict[str, Any]:
    path = Path(os.environ.get("JEUGDREGIE_CONFIG", CONFIG_HOME / "config.toml"))
    if path.is_file():
        with path.open("rb") as fh:
            return dict(tomllib.load(fh))
    return {}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JEUGDREGIE_", extra="ignore")

    db: str = Field(default=str(DATA_HOME / "jeugdregie.duckdb"),
                    description="DuckDB file path or postgresql:// URL")
    pseudonym_key: str | None = Field(default=None, description="HMAC key for BSN pseudonyms (secret)")
    pseudonym_key_file: Path = Field(default=CONFIG_HOME / "pseudonym.key")
    session_key: str | None = Field(default=None, description="signing key for web sessions (secret)")
    session_key_file: Path = Field(default=CONFIG_HOME / "session.key")
    xsd_dir: Path | None = Field(default=None, description="directory with the official iJw 3.2 XSDs")
    small_cell_threshold: int = Field(default=10, ge=1)
    synthetic: bool = Field(default=False, description="show the 'synthetic data' banner")
    user: str = Field(default_factory=lambda: os.environ.get("USER", "onbekend"))
    web_tenant_db: str | None = Field(default=None, description="postgresql:// URL of the row-level-security role")
    web_region_db: str | None = Field(default=None, description="postgresql:// URL of the regional (aggregate) role")
    web_secure_cookies: bool = Field(default=True, description="session cookies only over HTTPS (and localhost)")

    def key_bytes(self, create: bool = False) -> bytes:
        """The pseudonymisation key. With ``create`` a new random key file is written (demo only)."""
        return _read_or_create_key(self.pseudonym_key, self.pseudonym_key_file, create)

    def session_key_bytes(self, create: bool = True) -> bytes:
        return _read_or_create_key(self.session_key, self.session_key_file, create)


class MissingKeyError(RuntimeError):
    pass


def _read_or_create_key(value: str | None, path: Path, create: bool) -> bytes:
    if value:
        return value.encode()
    if path.is_file():
        return path.read_bytes().strip()
    if not create:
        raise MissingKeyError(
            f"Geen sleutel gevonden: zet JEUGDREGIE_PSEUDONYM_KEY of maak {path} aan "
            f"(no key: set the environment variable or create the key file)"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key.encode()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings(**_file_values())


def reset_settings_cache() -> None:
    get_settings.cache_clear()
