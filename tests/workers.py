"""The real database task worker, run from a test."""

import io
import signal

from django.core.management import call_command


def run_worker() -> None:
    """One pass of the real database worker: every queued task, then it exits. The worker installs
    its own signal handlers; the test run's are put back afterwards."""
    saved = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0, stdout=io.StringIO())
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)
