"""gunicorn entry point: one application per worker, built after the fork."""

from services.notifier.app import create_app

app = create_app()
