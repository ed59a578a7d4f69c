"""What the in-process benchmarks share: production-like settings pointed at a benchmark database of
their own, creating that database, and timing a call.

Import it before Django is set up (it is plain Python until then)::

    from bench.common import ensure_database, setup_environment, timed

    setup_environment("raci_bench")
    ensure_database("raci_bench")
    django.setup()
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
# BENCH_DATABASE_SERVER: where the benchmark databases live; each benchmark names its own database.
SERVER = os.environ.get("BENCH_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432")


def setup_environment(database: str) -> str:
    """Production settings (no debug, no SSL redirect, in-process test client's host, throttling out of
    the way) on ``database`` of the benchmark server; returns its URL. Call before ``django.setup()``."""
    url = f"{SERVER}/{database}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["THROTTLE_TOKEN"] = "1000000/min"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "raci.settings")
    return url


def ensure_database(database: str) -> None:
    """Create ``database`` on the benchmark server unless it exists; never touches another."""
    import psycopg2

    conn = psycopg2.connect(f"{SERVER}/postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
        if cursor.fetchone() is None:
            cursor.execute(f"CREATE DATABASE {database}")
    conn.close()


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """One warm-up call, then the median and the fastest of ``runs`` calls, in milliseconds."""
    fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), min(samples)
