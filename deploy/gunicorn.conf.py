"""gunicorn settings shared by every service; numbers come from the environment.

The application is built in each worker after the fork (no preload): database pools and SQLite
connections must never cross a fork.
"""

import os
import shutil

from shared.config import env_int

workers = env_int("GUNICORN_WORKERS", 2, minimum=1)
threads = env_int("GUNICORN_THREADS", 4, minimum=1)
timeout = env_int("GUNICORN_TIMEOUT", 30, minimum=1)
graceful_timeout = env_int("GUNICORN_GRACEFUL_TIMEOUT", 20, minimum=1)
keepalive = 5
preload_app = False
# Each worker listens on its own socket and the kernel spreads new connections over them. With one shared
# socket the first worker to wake takes them all, so a few busy keep-alive clients could pin every request
# to one worker (one core, the GIL). The price: two servers started on the same port by the same user
# share it instead of the second failing, and connections still queued on a worker that dies are reset.
reuse_port = True
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GROEIPAD_LOG_LEVEL", "info").lower()
# Access lines as JSON objects: time, method, path, status, duration_ms, bytes, request_id.
logger_class = "shared.accesslog.JsonAccessLogger"


def on_starting(server):
    """Metrics of a previous run must not be summed into this one."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory, exist_ok=True)


def post_worker_init(worker):
    """Say when a worker has built its app and serves: with a socket per worker, a client may reach it now."""
    worker.log.info("Worker ready (pid: %s)", worker.pid)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
