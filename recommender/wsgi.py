"""gunicorn entry point: one application per worker, built after the fork."""

from recommender.app import create_app

app = create_app()
