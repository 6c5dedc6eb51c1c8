"""gunicorn settings shared by every service; numbers come from the environment.

The application is built in each worker after the fork (no preload): database pools and SQLite
connections must never cross a fork.
"""

import json
import os
import shutil

workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = 5
preload_app = False
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GROEIPAD_LOG_LEVEL", "info").lower()
access_log_format = json.dumps({
    "time": "%(t)s", "method": "%(m)s", "path": "%(U)s", "status": "%(s)s",
    "duration_ms": "%(M)s", "bytes": "%(B)s", "request_id": "%({x-request-id}i)s",
})


def on_starting(server):
    """Metrics of a previous run must not be summed into this one."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
