"""gunicorn entry point: one application per worker, built after the fork."""

from recommender.app import create_app

app = create_app()
# Start fitting this worker's index now, so /ready turns green without waiting for a first probe or query.
app.extensions["recommender"].matcher.warm_up()
