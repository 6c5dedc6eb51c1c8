"""gunicorn entry point: one portal per worker, built after the fork, following the plan feed for erasures."""

from services.portal.app import create_app, follow_erasures

app = create_app()
follow_erasures(app)
