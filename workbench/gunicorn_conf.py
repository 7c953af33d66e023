"""gunicorn's settings for ``./desk serve``: the production server.

Threaded workers (gthread): requests spend much of their time waiting on the database, so each
worker process serves ``WEB_THREADS`` requests at once, and one process per core uses the CPU.
The application is loaded before the workers fork, so they share its code pages. Each setting
can be changed from the environment; ``BIND`` says where to listen.
"""

import gc
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

# The cyclic garbage collector's youngest generation is collected every 2,000 new objects by
# default; a request that parses 250 articles or writes a page of claims makes hundreds of
# thousands, and each collection that reaches the older generations walks the whole application
# (a quarter of a bulk import's CPU, measured in-process). Collected every 20,000 instead, the young
# garbage of one request waits a little longer (a few megabytes at most).
GC_YOUNG_THRESHOLD = int(os.environ.get("WEB_GC_THRESHOLD", "20000"))
gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])
