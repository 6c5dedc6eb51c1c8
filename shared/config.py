"""Configuration from environment variables only, validated once with messages that name the variable."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse


class ConfigError(Exception):
    """A configuration variable is missing or wrong; the message names it."""


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None or value == "":
        raise ConfigError(f"{name} must be set")
    return value


def env_int(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "y", "yes", "true", "on"}:
        return True
    if raw.lower() in {"0", "n", "no", "false", "off"}:
        return False
    raise ConfigError(f"{name} must be a yes/no value (1/0, true/false), got {raw!r}")


def data_dir() -> Path:
    """Where SQLite files and development keys live (GROEIPAD_DATA_DIR, default ./var)."""
    path = Path(os.environ.get("GROEIPAD_DATA_DIR") or "var")
    path.mkdir(parents=True, exist_ok=True)
    return path


def is_production() -> bool:
    mode = os.environ.get("GROEIPAD_ENV", "development")
    if mode not in {"development", "production"}:
        raise ConfigError(f"GROEIPAD_ENV must be 'development' or 'production', got {mode!r}")
    return mode == "production"


MIN_SECRET_LENGTH = 32


def read_secret(name: str) -> str:
    """A secret from NAME, or from the file NAME_FILE names; in development one is made on first use.

    Development secrets are written under the data dir so that every service and the `groeipad`
    command started from the same checkout agree on them. Production refuses to invent one.
    """
    value = read_optional_secret(name)
    if value:
        return value
    if is_production():
        raise ConfigError(f"{name} (or {name}_FILE) must be set when GROEIPAD_ENV=production")
    path = data_dir() / f"dev-{name.lower()}"
    if not path.exists():
        candidate = path.with_suffix(f".{os.getpid()}.tmp")
        candidate.write_text(secrets.token_urlsafe(48))
        candidate.chmod(0o600)
        try:
            os.link(candidate, path)  # atomic: the first process to start wins
        except FileExistsError:
            pass
        finally:
            candidate.unlink()
    return path.read_text().strip()


def read_optional_secret(name: str) -> str | None:
    """A secret from NAME or the file NAME_FILE names, None when neither is set (never invented)."""
    value = os.environ.get(name)
    file_name = os.environ.get(f"{name}_FILE")
    if not value and file_name:
        try:
            value = Path(file_name).read_text().strip()
        except OSError as error:
            raise ConfigError(f"{name}_FILE names {file_name!r}, which cannot be read: {error}") from None
    if not value:
        return None
    if is_production() and (len(value) < MIN_SECRET_LENGTH or "change" in value.lower()):
        raise ConfigError(f"{name} is a placeholder or shorter than {MIN_SECRET_LENGTH} characters; "
                          "production needs a real random secret")
    return value


@dataclass(frozen=True)
class StoreSettings:
    """One service's event store URL mapped onto the eventsourcing library's settings."""

    url: str
    create_table: bool = True

    def eventsourcing_env(self) -> dict[str, str]:
        parsed = urlparse(self.url)
        # The library also reads os.environ: pin what must never leak in from the process environment.
        env = {"CREATE_TABLE": "y" if self.create_table else "n", "CIPHER_TOPIC": "", "CIPHER_KEY": "",
               "COMPRESSOR_TOPIC": "", "TRANSCODER_TOPIC": "", "MAPPER_TOPIC": ""}
        if parsed.scheme == "sqlite":
            path = unquote(self.url[len("sqlite:///") :]) if self.url.startswith("sqlite:///") else ""
            if not path:
                raise ConfigError(f"SQLite URL needs a file path: sqlite:///PATH, got {self.url!r}")
            if path == ":memory:":
                path = "file::memory:?mode=memory&cache=shared"
            else:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            env.update(PERSISTENCE_MODULE="eventsourcing.sqlite", SQLITE_DBNAME=path,
                       SQLITE_LOCK_TIMEOUT="30")
            return env
        if parsed.scheme in {"postgres", "postgresql"}:
            query = parse_qs(parsed.query)
            env.update(
                PERSISTENCE_MODULE="eventsourcing.postgres",
                POSTGRES_DBNAME=(parsed.path or "/").lstrip("/") or "postgres",
                POSTGRES_HOST=parsed.hostname or "127.0.0.1",
                POSTGRES_PORT=str(parsed.port or 5432),
                POSTGRES_USER=unquote(parsed.username or "postgres"),
                POSTGRES_PASSWORD=unquote(parsed.password or ""),
                POSTGRES_POOL_SIZE=os.environ.get("POSTGRES_POOL_SIZE", "2"),
                POSTGRES_MAX_OVERFLOW=os.environ.get("POSTGRES_MAX_OVERFLOW", "4"),
                POSTGRES_LOCK_TIMEOUT="5",
                POSTGRES_CONNECT_TIMEOUT="10",
                POSTGRES_PRE_PING="y",
            )
            if "schema" in query:
                env["POSTGRES_SCHEMA"] = query["schema"][0]
            return env
        raise ConfigError(
            f"database URL must start with sqlite:/// or postgresql://, got {self.url.split(':')[0]!r}"
        )


def store_settings(variable: str, default_file: str, url: str | None = None,
                   create_table: bool | None = None) -> StoreSettings:
    """The store of one service: URL, else VARIABLE, else a SQLite file in the data dir; tables are
    created unless GROEIPAD_CREATE_TABLES=0 (or CREATE_TABLE says otherwise)."""
    url = url or os.environ.get(variable)
    if not url and is_production():
        raise ConfigError(f"{variable} must be set when GROEIPAD_ENV=production (each replica needs the shared store)")
    url = url or f"sqlite:///{data_dir() / default_file}"
    create = env_bool("GROEIPAD_CREATE_TABLES", True) if create_table is None else create_table
    settings = StoreSettings(url=url, create_table=create)
    try:
        settings.eventsourcing_env()
    except ConfigError as error:
        raise ConfigError(f"{variable}: {error}") from None
    return settings
