"""The floor: the same single-cell writes as the API's PATCH, as raw psycopg2 statements.

    .venv/bin/python -m bench.load.floor [--duration 15] [--processes 4]

Each process loops for ``--duration`` seconds on its own connection: lock the matrix row, read the
cell (one query), refuse if it no longer holds what the process last saw, write it, bump the version
(``UPDATE … RETURNING``), insert the history row and the outbox event, commit — what the one writer does
for one cell, without HTTP, authentication, the ORM or dispatching the event. Prints edits per second
and the CPU time per edit of these processes and of their PostgreSQL backends.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import time
from pathlib import Path

from bench.load import stack

LOCK = "SELECT status FROM raci_matrix WHERE id = %s FOR UPDATE"
CELL = """
    SELECT t.name, mr.role_id, a.id, COALESCE(a.letters, '')
    FROM raci_task t
    JOIN raci_matrixrole mr ON mr.matrix_id = t.matrix_id
    JOIN orgs_role r ON r.id = mr.role_id AND r.code = %s
    LEFT JOIN raci_assignment a ON a.task_id = t.id AND a.role_id = mr.role_id
    WHERE t.matrix_id = %s AND t.id = %s AND NOT t.archived
"""
VERSION = "UPDATE raci_matrix SET version = version + 1, updated_at = now() WHERE id = %s RETURNING version"
HISTORY = """
    INSERT INTO raci_changerecord (matrix_id, at, actor_id, channel, kind, task_id, task_name, role_id,
        role_code, field, before, after, version)
    VALUES (%s, now(), NULL, 'api', 'cell', %s, %s, %s, %s, 'letters', %s, %s, %s)
"""
EVENT = """
    INSERT INTO raci_outboxevent (organization_id, kind, payload, created_at, handled, attempts,
        last_error, abandoned)
    VALUES (%s, 'assignment.changed', %s, now(), '[]', 0, '', '[]')
"""
LETTERS = ("", "R", "C", "I", "AR")


def edit_loop(
    matrix_id: int, organization_id: int, hot: dict, stop_at: float, seed: int, out, measured, sync: str
) -> None:
    import psycopg2

    conn = psycopg2.connect(stack.DATABASE_URL)
    rng = random.Random(seed)
    known = dict(hot)
    done = conflicts = 0
    with conn.cursor() as cursor:
        cursor.execute("SET synchronous_commit = %s", [sync])
        conn.commit()
        while time.time() < stop_at:
            task_id, code = cell = rng.choice(list(known))
            expected = known[cell]
            letters = rng.choice([x for x in LETTERS if x != expected])
            cursor.execute(LOCK, [matrix_id])
            cursor.execute(CELL, [code, matrix_id, task_id])
            task_name, role_id, pk, now = cursor.fetchone()
            if now != expected:
                conn.rollback()
                known[cell] = now
                conflicts += 1
                continue
            if not letters:
                cursor.execute("DELETE FROM raci_assignment WHERE id = %s", [pk])
            elif pk is None:
                cursor.execute(
                    "INSERT INTO raci_assignment (task_id, role_id, letters) VALUES (%s, %s, %s)",
                    [task_id, role_id, letters],
                )
            else:
                cursor.execute("UPDATE raci_assignment SET letters = %s WHERE id = %s", [letters, pk])
            cursor.execute(VERSION, [matrix_id])
            (version,) = cursor.fetchone()
            cursor.execute(
                HISTORY, [matrix_id, task_id, task_name, role_id, code, expected, letters, version]
            )
            payload = {"matrix": {"id": matrix_id, "version": version}, "cells": [{"task": task_id}]}
            cursor.execute(EVENT, [organization_id, json.dumps(payload)])
            conn.commit()
            known[cell] = letters
            done += 1
    out.put((done, conflicts, time.process_time() * 1000))
    measured.wait()  # the backend's CPU is read before it goes away
    conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load.floor")
    parser.add_argument("--duration", type=float, default=15)
    parser.add_argument("--processes", type=int, default=4)
    # "off" shows what waiting for the WAL flush at each commit costs (a diagnosis, not a setting to use).
    parser.add_argument("--synchronous-commit", choices=("on", "off"), default="on")
    args = parser.parse_args()
    stack.ensure_database()
    fixture = stack.build(tasks=200, roles=20, hot_tasks=10, hot_roles=5, people=0)
    from raci.matrices.models import Matrix

    organization_id = Matrix.objects.get(pk=fixture.matrix_id).organization_id
    out, measured = multiprocessing.Queue(), multiprocessing.Event()
    stop_at = time.time() + args.duration
    workers = [
        multiprocessing.Process(
            target=edit_loop,
            args=(
                fixture.matrix_id,
                organization_id,
                fixture.hot,
                stop_at,
                seed,
                out,
                measured,
                args.synchronous_commit,
            ),
        )
        for seed in range(args.processes)
    ]
    started = time.time()
    for worker in workers:
        worker.start()
    time.sleep(0.5)  # the backends exist once the processes have connected
    before = _backends_cpu()
    results = [out.get() for _ in workers]
    backends = _backends_cpu() - before
    measured.set()
    for worker in workers:
        worker.join()
    elapsed = time.time() - started
    done = sum(r[0] for r in results)
    conflicts = sum(r[1] for r in results)
    cpu = (backends + sum(r[2] for r in results)) / max(done, 1)
    print(
        f"raw psycopg2, {args.processes} processes, synchronous_commit {args.synchronous_commit}, "
        f"{args.duration:.0f} s: {done / elapsed:.0f} edits/s ({done} edits, {conflicts} conflicts); "
        f"CPU per edit {cpu:.2f} ms (clients and PostgreSQL) -> {2000 / cpu:.0f} edits/s on two free cores"
    )
    return 0


def _backends_cpu() -> float:
    """CPU ms so far of the PostgreSQL backends serving the benchmark's database."""
    import psycopg2

    with psycopg2.connect(f"{stack.SERVER}/postgres") as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [stack.DB_NAME]
        )
        pids = [str(row[0]) for row in cursor.fetchall()]
    total = 0.0
    for pid in pids:
        try:
            text = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        total += (int(fields[11]) + int(fields[12])) * stack.TICK_MS
    return total


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())
