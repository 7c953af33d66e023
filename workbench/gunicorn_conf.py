"""gunicorn's settings for ``./desk serve``: the production server.

Threaded workers (gthread): requests spend much of their time waiting on the database, so each
worker process serves ``WEB_THREADS`` requests at once, and one process per core uses the CPU.
The application is loaded before the workers fork, so they share its code pages. Each setting
can be changed from the environment; ``BIND`` says where to listen.
"""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_WORKERS") or os.cpu_count() or 2)
threads = int(os.environ.get("WEB_THREADS", "4"))
preload_app = True
# Long enough for the largest export to stream; a stuck worker is restarted after it.
timeout = int(os.environ.get("WEB_TIMEOUT", "120"))
keepalive = 5
# Errors to stderr; one access-log line per request only when asked (ACCESS_LOG=-).
errorlog = "-"
accesslog = os.environ.get("ACCESS_LOG") or None
