"""Every benchmark runs: each script of bench/ is started as the README says, on tiny data.

A benchmark that cannot run is a defect like a failing test. The scripts build their own
throwaway database; they run on SQLite here whatever DATABASE_URL says, since on PostgreSQL their
test database would be the one this suite is using.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

BENCHMARKS = {
    "bench.agreement": ["--claims", "40", "--repeat", "1"],
    "bench.bulk_annotations": ["--claims", "4", "--articles", "2", "--repeat", "1"],
    "bench.exports": ["--articles", "3", "--repeat", "1"],
    # Bare Django and DRF, the machine's floor.
    "bench.floor": ["--repeat", "3"],
    # Claim matching on the first groups of its labelled set.
    "bench.matching": ["--groups", "4"],
    # Suggested claims' precision and recall on the demo desk.
    "bench.suggestions": ["--repeat", "1"],
    # The production server over HTTP: gunicorn on a fresh SQLite database.
    "bench.server": ["--articles", "20", "--samples", "10", "--repeat", "1", "--clients", "2"],
}


def test_every_benchmark_is_smoke_run():
    """Each module of bench/ other than the harness is run below; the PostgreSQL generator
    (bench.scale) is run by tests/test_bench_scale.py."""
    scripts = {f"bench.{path.stem}" for path in (ROOT / "bench").glob("*.py")} - {
        "bench.__init__",
        "bench.harness",
        "bench.scale",
    }
    assert scripts == set(BENCHMARKS)


@pytest.mark.parametrize("module", sorted(BENCHMARKS))
def test_benchmark_runs_on_tiny_data(module):
    """The benchmark finishes with exit status 0 and prints its figures in milliseconds."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    done = subprocess.run(
        [sys.executable, "-m", module, *BENCHMARKS[module]],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "database: sqlite" in done.stdout
    assert " ms" in done.stdout
