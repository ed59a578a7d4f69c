"""Load benchmark: gunicorn on PostgreSQL, Celery workers on Redis, an asyncio client (aiohttp).

    .venv/bin/python -m bench.load [--mix mixed|patch] [--duration 30] [--users 16]
                                   [--instances 1|2] [--web-workers 3] [--celery-workers 1]

It builds its own database (``raci_bench_scale``; never another), starts ``--instances`` gunicorn
servers on ports 8101, 8102 sharing PostgreSQL and Redis (database 13, queue ``raci_bench_scale``:
nobody else's worker can take its tasks) and ``--celery-workers`` workers, runs the workload for
``--duration`` seconds, stops everything it started, and prints throughput, latency percentiles and
status counts per kind of request, then the checks: no lost update (the accepted PATCHes of every cell
chain from its first letters to its last, and the history and version count exactly those) and, when
publications run (``--publish-every``), every publication email sent exactly once.

``bench/load/floor.py`` runs the same single-cell writes as raw psycopg2 statements: the floor.
"""
