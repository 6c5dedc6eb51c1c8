"""Configuration: clear messages naming the variable; production refuses unsafe defaults."""

from __future__ import annotations

import pytest

from shared.config import ConfigError, StoreSettings, env_int, read_secret, store_settings


def test_sqlite_and_postgres_urls_map_onto_the_library(tmp_path):
    sqlite = StoreSettings(f"sqlite:///{tmp_path}/x.sqlite").eventsourcing_env()
    assert sqlite["PERSISTENCE_MODULE"] == "eventsourcing.sqlite" and sqlite["SQLITE_DBNAME"].endswith("x.sqlite")
    pg = StoreSettings("postgresql://app:s%40cret@db.internal:6543/groeipad?schema=plan", False).eventsourcing_env()
    assert (pg["POSTGRES_HOST"], pg["POSTGRES_PORT"], pg["POSTGRES_USER"], pg["POSTGRES_PASSWORD"]) == (
        "db.internal", "6543", "app", "s@cret")
    assert pg["POSTGRES_DBNAME"] == "groeipad" and pg["POSTGRES_SCHEMA"] == "plan" and pg["CREATE_TABLE"] == "n"
    assert pg["CIPHER_TOPIC"] == "" and pg["COMPRESSOR_TOPIC"] == ""


def test_a_wrong_url_names_its_variable(monkeypatch):
    monkeypatch.setenv("PLAN_DATABASE_URL", "mysql://x")
    with pytest.raises(ConfigError, match="PLAN_DATABASE_URL"):
        store_settings("PLAN_DATABASE_URL", "plan.sqlite")


def test_numbers_are_checked(monkeypatch):
    monkeypatch.setenv("GUNICORN_WORKERS", "many")
    with pytest.raises(ConfigError, match="GUNICORN_WORKERS"):
        env_int("GUNICORN_WORKERS", 2)


def test_development_makes_one_secret_and_keeps_it(monkeypatch):
    monkeypatch.delenv("GROEIPAD_JWT_SECRET", raising=False)
    first = read_secret("GROEIPAD_JWT_SECRET")
    assert len(first) >= 32 and read_secret("GROEIPAD_JWT_SECRET") == first


def test_production_refuses_missing_placeholder_and_short_secrets(monkeypatch, tmp_path):
    monkeypatch.setenv("GROEIPAD_ENV", "production")
    monkeypatch.delenv("GROEIPAD_JWT_SECRET", raising=False)
    with pytest.raises(ConfigError, match="GROEIPAD_JWT_SECRET"):
        read_secret("GROEIPAD_JWT_SECRET")
    for weak in ("CHANGE-ME-please-to-a-long-random-value-0123456789", "short"):
        monkeypatch.setenv("GROEIPAD_JWT_SECRET", weak)
        with pytest.raises(ConfigError, match="GROEIPAD_JWT_SECRET"):
            read_secret("GROEIPAD_JWT_SECRET")
    secret_file = tmp_path / "jwt"
    secret_file.write_text("a" * 20 + "b" * 20 + "\n")
    monkeypatch.delenv("GROEIPAD_JWT_SECRET")
    monkeypatch.setenv("GROEIPAD_JWT_SECRET_FILE", str(secret_file))
    assert read_secret("GROEIPAD_JWT_SECRET") == "a" * 20 + "b" * 20


def test_production_needs_a_database_url(monkeypatch):
    monkeypatch.setenv("GROEIPAD_ENV", "production")
    monkeypatch.delenv("PLAN_DATABASE_URL", raising=False)
    with pytest.raises(ConfigError, match="PLAN_DATABASE_URL must be set"):
        store_settings("PLAN_DATABASE_URL", "plan.sqlite")
