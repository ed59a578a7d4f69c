"""Publishing to 1,000 people: a 1,000-task x 50-role matrix published with every role held.

Run from the repository root with PostgreSQL on 127.0.0.1 (uses the `raci_bench` database, like
bench_api.py):

    .venv/bin/python bench/bench_publish.py [--runs 5] [--people 1000]

Times, separately: the publication itself (`matrix_publish`: lock, analysis, snapshot, the read model
of the agreement, the outbox event; what a request waits for when a worker sends the emails), and
the `matrix.published` handler that works out and sends each person's notice (what the worker does;
emails go to Django's in-memory backend). Target from the scale issue: publishing returns in under
300 ms with 1,000 people holding roles.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# A broker, so publishing enqueues the notices for a worker instead of sending them inline; the
# in-memory transport keeps the bench self-contained (this script plays the worker below).
os.environ["CELERY_BROKER_URL"] = "memory://"

from bench.bench_api import build_matrix, ensure_database


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--people", type=int, default=1000)
    args = parser.parse_args()

    ensure_database()
    import django

    django.setup()
    from django.conf import settings
    from django.core import mail
    from django.core.management import call_command
    from django.db import connection, transaction

    from orgs.models import Person
    from raci.delivery.notifications import send_publication_emails
    from raci.matrices.cells import CellChange, grid_apply_changes
    from raci.matrices.models import Assignment
    from raci.outbox.models import OutboxEvent
    from raci.revisions.services import matrix_publish

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    call_command("migrate", verbosity=0)
    _user, matrix, tasks, roles = build_matrix(slug="publish", tasks=1000, roles=50, stage_size=50)
    people = Person.objects.bulk_create(
        [
            Person(organization=matrix.organization, name=f"Person {i:04d}", email=f"p{i}@example.com")
            for i in range(args.people)
        ]
    )
    Person.roles.through.objects.bulk_create(
        [Person.roles.through(person_id=p.pk, role_id=roles[i % len(roles)].pk) for i, p in enumerate(people)]
    )
    Assignment.objects.filter(task__in=tasks[:50], role=roles[-1]).delete()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    publish_ms, handler_ms, sent = [], [], []
    for run in range(args.runs + 1):
        # Something to tell people: one letter changes on 50 tasks before each publication.
        letters = "I" if run % 2 == 0 else ""
        grid_apply_changes(
            matrix=matrix,
            changes=[
                CellChange(task=t.pk, role=roles[-1].code, expected="" if letters else "I", letters=letters)
                for t in tasks[:50]
            ],
        )
        start = time.perf_counter()
        revision = matrix_publish(matrix=matrix, override_reason="bench")
        middle = time.perf_counter()
        event = OutboxEvent.objects.filter(kind="matrix.published").order_by("-id").first()
        before = len(mail.outbox)
        with transaction.atomic():  # as the worker runs it, in the dispatch's transaction
            send_publication_emails(event)
        end = time.perf_counter()
        if run:  # the first run warms up
            publish_ms.append((middle - start) * 1000)
            handler_ms.append((end - middle) * 1000)
            sent.append(len(mail.outbox) - before)
        assert event.payload["revision"]["id"] == revision.pk

    print(f"1000 tasks x 50 roles, {args.people} people holding roles; {args.runs} runs after warm-up")
    print(f"publish (the request)    median {statistics.median(publish_ms):7.1f} ms   (target 300 ms)")
    print(f"notices (the worker)     median {statistics.median(handler_ms):7.1f} ms   ({sent[-1]} emails)")
    ok = statistics.median(publish_ms) < 300
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
