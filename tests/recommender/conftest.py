"""Recommender fixtures: an app on a fresh store, its test client, and sample offers."""

from __future__ import annotations

import pytest

from recommender.app import create_app
from recommender.runtime import Runtime


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'recommender.sqlite'}"


@pytest.fixture
def runtime(sqlite_url):
    rt = Runtime.build(sqlite_url)
    yield rt
    rt.close()


@pytest.fixture
def app(runtime):
    return create_app({"RUNTIME": runtime})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def ld(tokens):
    return tokens("lena", "ld")


@pytest.fixture
def employee(tokens):
    return tokens("sophie", "employee")


OFFER = {"external_id": "ext-1", "title": "Projectmanagement in de praktijk", "means": "internal_training",
         "language": "nl", "hours": 16, "cost": 0, "level": "beginner",
         "learning_outcomes": ["Een project plannen", "Risico's beheersen"],
         "skills": [{"skill": "project management", "level": 2}]}


@pytest.fixture
def offer():
    return dict(OFFER)
