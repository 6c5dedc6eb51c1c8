"""gunicorn entry point: one portal per worker, built after the fork."""

from services.portal.app import create_app

app = create_app()
