"""``python -m bench.load``: see bench/load/__init__.py."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime

from bench.load import client, stack


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load")
    parser.add_argument("--mix", choices=sorted(client.MIXES), default="mixed")
    parser.add_argument("--duration", type=float, default=30, help="seconds of load (default 30)")
    parser.add_argument("--users", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument("--instances", type=int, choices=(1, 2), default=1)
    parser.add_argument("--web-workers", type=int, default=3, help="gunicorn processes per instance")
    parser.add_argument("--threads", type=int, default=2, help="gunicorn threads per process")
    parser.add_argument("--celery-workers", type=int, default=1)
    parser.add_argument("--publish-every", type=float, default=0, help="publish every N seconds (0: never)")
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--roles", type=int, default=20)
    parser.add_argument("--people", type=int, default=200)
    args = parser.parse_args()

    stack.ensure_database()
    fixture = stack.build(tasks=args.tasks, roles=args.roles, hot_tasks=10, hot_roles=5, people=args.people)
    from bench.load import checks

    servers = stack.Stack()
    ok = True
    try:
        urls = servers.start(
            instances=args.instances,
            web_workers=args.web_workers,
            threads=args.threads,
            celery_workers=args.celery_workers,
        )
        print(
            f"{args.mix} load for {args.duration:.0f} s: {args.users} clients, {args.instances} gunicorn "
            f"instance(s) x {args.web_workers} processes x {args.threads} threads, {args.celery_workers} "
            f"Celery worker(s); {args.tasks} x {args.roles} matrix, {len(fixture.hot)} contended cells"
        )
        since = datetime.now(UTC)
        cpu_before = stack.cpu_ms(servers)
        results = asyncio.run(
            client.run(
                urls=urls,
                token=fixture.token,
                matrix_id=fixture.matrix_id,
                hot=fixture.hot,
                mix=args.mix,
                users=args.users,
                duration=args.duration,
                publish_every=args.publish_every,
            )
        )
        drained = checks.outbox_drained(since=since) if args.celery_workers else None
        cpu = {k: v - cpu_before[k] for k, v in stack.cpu_ms(servers).items()}
        print("\n".join(client.report(results)))
        print(cpu_line(cpu, results))
        lost = checks.lost_updates(
            matrix_id=fixture.matrix_id,
            hot=fixture.hot,
            accepted=results.accepted,
            version_before=fixture.version,
        )
        print(f"lost updates: {len(lost)} ({len(results.accepted)} accepted PATCHes checked)")
        print("\n".join(f"  {p}" for p in lost[:10]))
        if args.celery_workers:
            dispatched, left = drained
            print(f"outbox: {dispatched} events dispatched by the workers, {left} left")
            ok = ok and not left
        if args.publish_every:
            problems, sent = checks.emails_once(mail_dir=servers.mail_dir, since=since)
            print(f"publication emails: {sent} sent, {len(problems)} problems")
            print("\n".join(f"  {p}" for p in problems[:10]))
            ok = ok and not problems
        five = sum(n for c in results.statuses.values() for code, n in c.items() if code >= 500)
        ok = ok and not lost and not five and not results.errors
    finally:
        servers.stop()
        servers.cleanup()
    print(f"logs: {servers.log_dir}")
    return 0 if ok else 1


def cpu_line(cpu: dict[str, float], results: client.Results) -> str:
    """CPU per request, and the requests per second two free cores would serve at that cost."""
    requests = sum(len(v) for v in results.latencies.values()) or 1
    parts = ", ".join(f"{part} {ms / requests:.1f}" for part, ms in cpu.items())
    total = sum(cpu.values()) / requests
    return (
        f"CPU per request (ms, the workers' after the outbox drained): {parts}; "
        f"total {total:.1f} -> {2000 / total:.0f} requests/s on two free cores"
    )


if __name__ == "__main__":
    sys.exit(main())
